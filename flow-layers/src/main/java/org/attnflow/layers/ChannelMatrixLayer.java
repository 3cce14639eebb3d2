package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
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
  abstract NDArray logAbsDet(NDArray matrix);

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    NDArray w = matrix();
    return new FlowOutput(apply(x, w), logDet(w, x.getShape().get(0)));
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    NDArray w = matrix();
    return FlowOutput.of(apply(y, w.inverse()), pass, () -> logDet(w, y.getShape().get(0)).neg());
  }

  private NDArray logDet(NDArray w, long batch) {
    return FlowMath.scale(logAbsDet(w), inputShape().positions()).broadcast(new Shape(batch));
  }

  private static NDArray apply(NDArray x, NDArray w) {
    long c = w.getShape().get(0);
    return FlowMath.conv(x, w.reshape(c, c, 1, 1), null);
  }
}
