package org.attnflow.api.math;

import ai.djl.ndarray.NDArray;

/**
 * Bits per dimension of 8-bit data under a model of uniformly dequantised, rescaled data.
 *
 * <p>The model sees x̃ = (x + u)/256 − 0.5 with x ∈ {0..255}^D and u ~ U(0,1)^D, and gives its
 * density log p(x̃) in nats. The density of the dequantised data on the original 0..256 scale is
 * p(x̃)/256^D, so {@code bpd = −(log p(x̃) − D·log 256) / (D·ln 2)}. This is an upper bound on the
 * discrete model's bits/dim, and the figure the literature reports.
 */
public final class BitsPerDim {
  private BitsPerDim() {}

  /**
   * Bits/dim of one sample.
   *
   * @param logDensity log p(x̃) in nats, of the rescaled dequantised sample
   * @param dimensions D, the number of scalars per sample
   */
  public static double of(double logDensity, long dimensions) {
    return (dimensions * Math.log(256) - logDensity) / (dimensions * Math.log(2));
  }

  /** Bits/dim per sample, as {@link #of(double, long)}, for a [B] array of log-densities (differentiable). */
  public static NDArray of(NDArray logDensity, long dimensions) {
    return FlowMath.scale(logDensity.neg().add(dimensions * Math.log(256)), 1 / (dimensions * Math.log(2)));
  }
}
