package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import org.attnflow.api.ImageShape;

/**
 * Cuts feature maps into P×P patch tokens and back: (B, C, H, W) ↔ (B, N, d) with N = HW/P²
 * tokens in row-major patch order and d = C·P² features per token in (channel, row, column) order.
 */
final class Patches {
  private final ImageShape shape;
  private final int patch;

  /** Patches of side {@code patch} of inputs of {@code shape}; P must divide H and W. */
  Patches(ImageShape shape, int patch) {
    if (!tile(shape, patch)) {
      throw new IllegalArgumentException("patches of side " + patch + " do not tile " + shape);
    }
    this.shape = shape;
    this.patch = patch;
  }

  /** Whether P×P patches tile an input of {@code shape}: P ≥ 1 divides H and W. */
  static boolean tile(ImageShape shape, int patch) {
    return patch >= 1 && shape.height() % patch == 0 && shape.width() % patch == 0;
  }

  /** The number N of tokens. */
  int count() {
    return shape.positions() / (patch * patch);
  }

  /** The number d of features per token. */
  int features() {
    return shape.channels() * patch * patch;
  }

  /** (B, C, H, W) → (B, N, d). */
  NDArray tokens(NDArray x) {
    long b = x.getShape().get(0);
    return x.reshape(b, shape.channels(), rows(), patch, columns(), patch)
        .transpose(0, 2, 4, 1, 3, 5)
        .reshape(b, count(), features());
  }

  /** (B, N, d) → (B, C, H, W), the inverse of {@link #tokens}. */
  NDArray image(NDArray tokens) {
    long b = tokens.getShape().get(0);
    return tokens.reshape(b, rows(), columns(), shape.channels(), patch, patch)
        .transpose(0, 3, 1, 4, 2, 5)
        .reshape(shape.batched(b));
  }

  private int rows() {
    return shape.height() / patch;
  }

  private int columns() {
    return shape.width() / patch;
  }
}
