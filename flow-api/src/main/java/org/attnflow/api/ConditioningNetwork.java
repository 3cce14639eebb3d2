package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Random;

/**
 * The network of a coupling layer: maps the conditioning half (B, in, H, W) to the transform's
 * parameters (B, out, H, W). It is given the pass, so that it can tell a training pass (which
 * may drop activations out, with masks drawn from {@link FlowPass#dropoutNoise()}) from every
 * other pass. A coupling evaluates its network once per forward or inverse, so its output and
 * its log-det are computed from the same network output even when dropout is on.
 */
public abstract class ConditioningNetwork extends FlowBlock {

  /** Applies the network to an NCHW batch within {@code pass}. */
  public abstract NDArray apply(NDArray x, FlowPass pass);

  @Override
  protected final NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow(), FlowPass.encoding()));
  }

  /**
   * Builds a configured network once the coupling knows its sizes; what a network plugin
   * provides. It draws initial parameters from {@code random} only when called.
   */
  @FunctionalInterface
  public interface Factory {

    /**
     * A network from {@code input}'s channels to {@code outChannels} at {@code input}'s spatial
     * size, {@code hidden} wide.
     */
    ConditioningNetwork create(ImageShape input, int hidden, int outChannels, Random random);
  }
}
