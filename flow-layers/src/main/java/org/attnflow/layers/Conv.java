package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import org.attnflow.api.Init;
import org.attnflow.api.ShapeException;
import org.attnflow.api.UnaryBlock;
import org.attnflow.api.math.FlowMath;

/**
 * A k×k convolution with "same" padding and a bias, optionally followed by Glow's learned output
 * scale exp(3·logs) per output channel (used by zero-initialised output convolutions).
 */
public final class Conv extends UnaryBlock {
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter logScale;
  private final int in;
  private final int out;

  private Conv(int in, int out, int kernel, Initializer weightInit, boolean outputScale) {
    if (kernel < 1 || kernel % 2 == 0) {
      throw new ShapeException("a convolution keeps the spatial size only with an odd kernel, found " + kernel);
    }
    this.in = in;
    this.out = out;
    weight = parameter("weight", new Shape(out, in, kernel, kernel), weightInit);
    bias = parameter("bias", new Shape(out), Init.constant(0));
    logScale = outputScale ? parameter("logs", new Shape(1, out, 1, 1), Init.constant(0)) : null;
  }

  /** A hidden convolution with N(0, std²) weights drawn from {@code seed} and a zero bias. */
  public static Conv hidden(int in, int out, int kernel, long seed, double std) {
    return new Conv(in, out, kernel, Init.normal(seed, std), false);
  }

  /** A zero-initialised convolution with the exp(3·logs) output scale (Glow's ZeroConv2d). */
  public static Conv zero(int in, int out, int kernel) {
    return new Conv(in, out, kernel, Init.constant(0), true);
  }

  /** The weight, (out, in, k, k): a caller may apply parts of it to parts of a concatenated input. */
  public NDArray weight() {
    return weight.getArray();
  }

  /** The bias, (out). */
  public NDArray bias() {
    return bias.getArray();
  }

  /** Applies the convolution to an NCHW batch. */
  @Override
  public NDArray apply(NDArray x) {
    NDArray y = FlowMath.conv(x, weight.getArray(), bias.getArray());
    if (logScale == null) {
      return y;
    }
    NDArray scaled = y.mul(derived("output scale", () -> FlowMath.scale(logScale.getArray(), 3).exp()));
    y.close();
    return scaled;
  }

  /**
   * The mean over the output channels of {@link #apply}, shape (B, 1, H, W), computed as one
   * convolution with the kernel and bias averaged over the output channels (a convolution is
   * linear), so the C-channel output is never formed. Only for convolutions without an output
   * scale.
   */
  public NDArray applyChannelMean(NDArray x) {
    if (logScale != null) {
      throw new IllegalStateException("the channel mean of a convolution with an output scale is not one convolution");
    }
    NDArray kernel = derived("mean kernel", () -> weight.getArray().mean(new int[] {0}, true));
    return FlowMath.conv(x, kernel, derived("mean bias", () -> bias.getArray().mean(new int[] {0}, true)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3))};
  }

  @Override
  public String toString() {
    return "Conv(" + in + " → " + out + ")";
  }
}
