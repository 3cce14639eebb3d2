package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import org.attnflow.layers.Conv;

/**
 * Scores from channel mixing: U = Ω X̃ + β, a 1×1 convolution with Ω ∈ ℝ^{C×C}, β ∈ ℝ^C, whose
 * channel mean a is computed directly as (mean row of Ω)·X̃ + mean β.
 */
final class ChannelMixingScores extends PositionScores {
  private final Conv mixing;

  /** Ω ~ N(0, 0.05²) drawn from {@code seed}, β = 0. */
  ChannelMixingScores(int channels, long seed) {
    mixing = child("omega", Conv.hidden(channels, channels, 1, seed, WEIGHT_STD));
  }

  @Override
  public NDArray apply(NDArray masked) {
    return mixing.applyChannelMean(masked);
  }
}
