package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** A block that maps one array to one array (a convolution, a small network), used inside layers. */
public abstract class UnaryBlock extends FlowBlock {

  /** Applies the block to {@code x}. */
  public abstract NDArray apply(NDArray x);

  @Override
  protected final NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }
}
