package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;

/**
 * Activation normalisation: y = (x + b)·exp(logs) per channel, log|det J| = H·W·Σ logs. On the
 * first batch of training, b and logs are set so that every channel has zero mean and unit
 * variance; the fact that this happened is saved with the parameters, so a loaded layer is never
 * re-initialised.
 */
public final class ActNorm extends FlowLayer {
  private final Parameter bias;
  private final Parameter logScale;
  private final Parameter initialized;

  /** Creates an ActNorm for inputs of {@code shape}. */
  public ActNorm(ImageShape shape) {
    super(shape);
    Shape perChannel = new Shape(1, shape.channels(), 1, 1);
    bias = parameter("bias", perChannel, Init.constant(0));
    logScale = parameter("logs", perChannel, Init.constant(0));
    initialized = state("initialized", new Shape(1), Init.constant(0));
  }

  @Override
  protected void initializeFromData(NDArray x) {
    if (initialized.getArray().getFloat() != 0f) {
      return;
    }
    NDArray perChannel = x.transpose(1, 0, 2, 3).reshape(inputShape().channels(), -1);
    NDArray mean = perChannel.mean(new int[] {1});
    NDArray std = perChannel.sub(mean.expandDims(1)).square().mean(new int[] {1}).sqrt();
    Shape s = bias.getArray().getShape();
    bias.getArray().set(mean.neg().reshape(s).toFloatArray());
    logScale.getArray().set(std.add(1e-6).log().neg().reshape(s).toFloatArray());
    initialized.getArray().set(new float[] {1f});
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    NDArray scale = derived("scale", () -> logScale.getArray().exp());
    return new FlowOutput(x.add(bias.getArray()).mul(scale), logDet(x));
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    NDArray inverseScale = derived("inverse scale", () -> logScale.getArray().neg().exp());
    return FlowOutput.of(y.mul(inverseScale).sub(bias.getArray()), pass, () -> logDet(y).neg());
  }

  /** H·W·Σ logs for every sample of a batch like {@code x}. */
  private NDArray logDet(NDArray x) {
    return perPositionLogDet(x, () -> logScale.getArray().sum());
  }
}
