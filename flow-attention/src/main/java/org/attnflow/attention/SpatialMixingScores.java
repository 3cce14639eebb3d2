package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.math.FlowMath;

/**
 * Scores from spatial mixing: U[c,p] = Σ_q Ω[p,q] X̃[c,q] + β_p with Ω ∈ ℝ^{n×n}, β ∈ ℝ^n over the
 * n = HW positions, so a = Ω·(channel mean of X̃) + β.
 */
final class SpatialMixingScores extends PositionScores {
  private final ImageShape shape;
  private final Parameter weight;
  private final Parameter bias;

  /** Ω ~ N(0, 0.05²) drawn from {@code seed}, β = 0. */
  SpatialMixingScores(ImageShape shape, long seed) {
    this.shape = shape;
    int n = shape.positions();
    weight = parameter("omega", new Shape(n, n), Init.normal(seed, WEIGHT_STD));
    bias = parameter("beta", new Shape(n), Init.constant(0));
  }

  @Override
  public NDArray apply(NDArray masked) {
    long b = masked.getShape().get(0);
    NDArray channelMean = masked.sum(new int[] {1}).reshape(b, shape.positions());
    channelMean = FlowMath.scale(channelMean, 1.0 / shape.channels());
    return channelMean.matMul(weight.getArray().transpose())
        .add(bias.getArray())
        .reshape(b, 1, shape.height(), shape.width());
  }
}
