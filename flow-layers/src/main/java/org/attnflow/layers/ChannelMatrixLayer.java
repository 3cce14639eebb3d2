package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.math.FlowMath;

/**
 * A layer that mixes channels at every position with an invertible C×C matrix W (an invertible
 * 1×1 convolution): y = W·x, log|det J| = H·W·log|det W|. Subclasses say how W and its log|det|
 * are parameterised.
 */
abstract class ChannelMatrixLayer extends FlowLayer {

  ChannelMatrixLayer(ImageShape shape) {
    super(shape);
  }

  /** The current C×C matrix. */
  abstract NDArray matrix();

  /** log|det W| as a scalar array. */
  abstract NDArray logAbsDet();

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    return new FlowOutput(FlowMath.mixChannels(x, derived("matrix", this::matrix)), logDet(x));
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    NDArray x = FlowMath.mixChannels(y, derived("inverse matrix", () -> matrix().inverse()));
    return FlowOutput.of(x, pass, () -> logDet(y).neg());
  }

  /** H·W·log|det W| for every sample of a batch like {@code x}. */
  private NDArray logDet(NDArray x) {
    return perPositionLogDet(x, this::logAbsDet);
  }
}
