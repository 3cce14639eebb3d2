package org.attnflow.models;

import ai.djl.ndarray.NDArray;

/**
 * The result of encoding a batch: the final latent and the per-sample terms of the exact
 * log-likelihood, log p(x) = logDet + logPrior.
 *
 * @param latent the final latent z
 * @param logDet Σ log|det J| over all layers, shape [B]
 * @param logPrior log p(z) of the final latent plus that of every factored-out latent, shape [B]
 */
public record Encoding(NDArray latent, NDArray logDet, NDArray logPrior) {

  /** log p(x) per sample, in nats. */
  public NDArray logLikelihood() {
    return logDet.add(logPrior);
  }
}
