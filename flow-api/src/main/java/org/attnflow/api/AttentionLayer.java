package org.attnflow.api;

import ai.djl.ndarray.NDArray;

/**
 * A flow layer driven by attention weights that can be shown as heat maps (for example iMap and
 * iTrans).
 */
public interface AttentionLayer {

  /**
   * The attention weights the forward (data → latent) transform uses on the batch {@code x} of
   * shape (B, C, H, W): for map-based attention the per-position weights, shape (B, 1, H, W); for
   * attention between P×P patch tokens the row-stochastic matrix A, shape (B, N, N), with
   * N = HW/P² tokens in row-major patch order. {@code pass} carries the condition of a
   * class-conditional layer.
   */
  NDArray attentionMap(NDArray x, FlowPass pass);

  /** The attention weights of an unconditional layer on the batch {@code x}. */
  default NDArray attentionMap(NDArray x) {
    return attentionMap(x, FlowPass.encoding());
  }
}
