package org.attnflow.models.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.attnflow.api.math.FlowMath;

/**
 * The classifier's 3×3 convolution with "same" padding: DJL's {@link Conv2d} block, with its
 * parameters and saved form, computed by {@link FlowMath#conv} instead of the engine's NCHW
 * convolution. On some CPUs the engine computes NCHW convolutions with few outputs or one input
 * channel wrongly (docs/design.md, "Convolutions the engine gets wrong"); {@code FlowMath.conv}
 * avoids those kernels, and the start-up check covers it.
 */
final class FlowMathConv2d extends Conv2d {
  /** A 3×3 convolution to {@code filters} channels with padding 1 and a bias. */
  FlowMathConv2d(int filters) {
    super(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray kernel = store.getValue(weight, x.getDevice(), training);
    NDArray offsets = store.getValue(bias, x.getDevice(), training);
    return new NDList(FlowMath.conv(x, kernel, offsets));
  }
}
