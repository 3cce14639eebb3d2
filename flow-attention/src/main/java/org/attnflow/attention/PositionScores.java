package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.attnflow.api.UnaryBlock;

/**
 * iMap's per-position score a_p = mean over c of U[c,p], where U mixes the masked input X̃ = M ⊙ x
 * (over channels or over positions); maps (B, C, H, W) to (B, 1, H, W).
 */
abstract class PositionScores extends UnaryBlock {
  /** Standard deviation of the initial mixing weights Ω. */
  static final double WEIGHT_STD = 0.05;

  /** The scores a of the masked input, shape (B, 1, H, W). */
  @Override
  public abstract NDArray apply(NDArray masked);

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), 1, s.get(2), s.get(3))};
  }
}
