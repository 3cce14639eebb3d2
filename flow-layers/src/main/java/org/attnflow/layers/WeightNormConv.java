package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import org.attnflow.api.Init;
import org.attnflow.api.ShapeException;
import org.attnflow.api.UnaryBlock;
import org.attnflow.api.math.FlowMath;

/**
 * A weight-normalised k×k convolution with "same" padding and a bias (Salimans and Kingma, 2016):
 * each output channel's kernel is g·v/‖v‖, so its norm g is learned apart from its direction v.
 * v starts N(0, 0.05²) from a seed and g at {@code initScale}: with unit-variance independent
 * inputs each output then has variance initScale². A 1×1 convolution is also applied to
 * channels-last arrays (B, H, W, C) as one matrix product, {@link #applyChannelsLast}.
 */
final class WeightNormConv extends UnaryBlock {
  private static final double DIRECTION_STD = 0.05;
  private final Parameter direction;
  private final Parameter norm;
  private final Parameter bias;
  private final int in;
  private final int out;

  /** Creates the convolution; the direction v is drawn from {@code seed}. */
  WeightNormConv(int in, int out, int kernel, long seed, double initScale) {
    if (kernel < 1 || kernel % 2 == 0) {
      throw new ShapeException("a convolution keeps the spatial size only with an odd kernel, found " + kernel);
    }
    this.in = in;
    this.out = out;
    direction = parameter("v", new Shape(out, in, kernel, kernel), Init.normal(seed, DIRECTION_STD));
    norm = parameter("g", new Shape(out, 1, 1, 1), Init.constant((float) initScale));
    bias = parameter("bias", new Shape(out), Init.constant(0));
  }

  /** The kernel g·v/‖v‖, shape (out, in, k, k). */
  private NDArray kernel() {
    return derived("kernel", () -> {
      NDArray v = direction.getArray();
      return v.mul(norm.getArray().div(v.norm(new int[] {1, 2, 3}, true)));
    });
  }

  /** Applies the convolution to an NCHW batch. */
  @Override
  public NDArray apply(NDArray x) {
    return FlowMath.conv(x, kernel(), bias.getArray());
  }

  /** Applies a 1×1 convolution to a channels-last array (…, in), giving (…, out). */
  NDArray applyChannelsLast(NDArray x) {
    if (direction.getArray().getShape().get(2) != 1) {
      throw new IllegalStateException("only a 1×1 convolution is a matrix product over channels-last data");
    }
    NDArray matrix = derived("matrix", () -> kernel().reshape(out, in));
    return Linear.linear(x, matrix, bias.getArray()).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3))};
  }

  @Override
  public String toString() {
    return "WeightNormConv(" + in + " → " + out + ")";
  }
}
