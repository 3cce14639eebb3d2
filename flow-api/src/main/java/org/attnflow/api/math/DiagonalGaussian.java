package org.attnflow.api.math;

import ai.djl.ndarray.NDArray;

/**
 * A Gaussian with a mean and a log standard deviation per entry, as a prior predicts them; both
 * broadcastable to the latent's shape (B, C, H, W).
 *
 * @param mean μ
 * @param logStd log σ
 */
public record DiagonalGaussian(NDArray mean, NDArray logStd) {

  /** Per-sample log-density of {@code z}, shape [B] ({@link FlowMath#gaussianLogDensity}). */
  public NDArray logDensity(NDArray z) {
    return FlowMath.gaussianLogDensity(z, mean, logStd);
  }

  /**
   * A draw at temperature T from standard normal noise {@code eps}: μ + T·σ·ε, of {@code eps}'s
   * shape (μ broadcast to it at T = 0).
   */
  public NDArray draw(NDArray eps, double temperature) {
    return temperature == 0 ? mean.broadcast(eps.getShape()) : mean.add(FlowMath.scale(eps.mul(logStd.exp()), temperature));
  }
}
