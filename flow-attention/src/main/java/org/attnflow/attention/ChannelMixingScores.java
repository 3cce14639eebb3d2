package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import org.attnflow.layers.Conv;
import org.attnflow.api.math.FlowMath;

/** Scores from channel mixing: U = Ω X̃ + β, a 1×1 convolution with Ω ∈ ℝ^{C×C}, β ∈ ℝ^C. */
final class ChannelMixingScores extends PositionScores {
  private final Conv mixing;
  private final float channelMean;

  /** Ω ~ N(0, 0.05²) drawn from {@code seed}, β = 0. */
  ChannelMixingScores(int channels, long seed) {
    mixing = child("omega", Conv.hidden(channels, channels, 1, seed, WEIGHT_STD));
    channelMean = 1f / channels;
  }

  @Override
  public NDArray apply(NDArray masked) {
    return mixing.apply(masked).sum(new int[] {1}, true).mul(FlowMath.constant(masked, channelMean));
  }
}
