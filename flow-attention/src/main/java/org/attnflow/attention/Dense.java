package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import org.attnflow.api.Init;
import org.attnflow.api.UnaryBlock;

/**
 * An affine map of the last axis, (…, in) → (…, out): x·Wᵀ + b in one engine call. The weights
 * start N(0, 1/in) from a seed, or at zero; the bias starts at zero.
 */
final class Dense extends UnaryBlock {
  private final Parameter weight;
  private final Parameter bias;

  private Dense(int in, int out, Initializer weightInit) {
    weight = parameter("weight", new Shape(out, in), weightInit);
    bias = parameter("bias", new Shape(out), Init.constant(0));
  }

  /** A map with N(0, 1/in) weights drawn from {@code seed}. */
  static Dense hidden(int in, int out, long seed) {
    return new Dense(in, out, Init.normal(seed, 1 / Math.sqrt(in)));
  }

  /** A map whose weights and bias start at zero: its output starts at zero whatever its input. */
  static Dense zero(int in, int out) {
    return new Dense(in, out, Init.constant(0));
  }

  @Override
  public NDArray apply(NDArray x) {
    return Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {s.slice(0, s.dimension() - 1).add(weight.getShape().get(0))};
  }
}
