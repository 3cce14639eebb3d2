package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.math.FlowMath;

/**
 * Scores from spatial mixing: U[c,p] = Σ_q Ω[p,q] X̃[c,q] + β_p with Ω ∈ ℝ^{n×n}, β ∈ ℝ^n over the
 * n = HW positions, so a = Ω·(channel mean of X̃) + β. In a class-conditional layer the input
 * carries the E channels of the class embedding e after the C channels of X̃, and a gains a
 * per-position term Γ·e with Γ ∈ ℝ^{n×E}.
 */
final class SpatialMixingScores extends PositionScores {
  private final ImageShape shape;
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter classWeight;

  /**
   * Ω ~ N(0, 0.05²) drawn from {@code seed}, β = 0, and for E = {@code classChannels} &gt; 0 Γ ~
   * N(0, 0.05²) drawn from {@code seed} + 1.
   */
  SpatialMixingScores(ImageShape shape, int classChannels, long seed) {
    this.shape = shape;
    int n = shape.positions();
    weight = parameter("omega", new Shape(n, n), Init.normal(seed, WEIGHT_STD));
    bias = parameter("beta", new Shape(n), Init.constant(0));
    classWeight = classChannels == 0 ? null : parameter("gamma", new Shape(n, classChannels), Init.normal(seed + 1, WEIGHT_STD));
  }

  @Override
  public NDArray apply(NDArray masked) {
    long b = masked.getShape().get(0);
    NDList parts = classWeight == null ? new NDList(masked) : FlowMath.splitChannels(masked, shape.channels());
    NDArray channelMean = parts.get(0).sum(new int[] {1}).reshape(b, shape.positions());
    channelMean = FlowMath.scale(channelMean, 1.0 / shape.channels());
    NDArray a = channelMean.matMul(weight.getArray().transpose()).add(bias.getArray());
    if (classWeight != null) {
      // the class channels are constant over the positions: e is their value at any one
      NDArray e = parts.get(1).get(":, :, 0, 0");
      a = a.add(e.matMul(classWeight.getArray().transpose()));
    }
    return a.reshape(b, 1, shape.height(), shape.width());
  }
}
