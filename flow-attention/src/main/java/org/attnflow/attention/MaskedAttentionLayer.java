package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import org.attnflow.api.AttentionLayer;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.MaskStrategy;
import org.attnflow.api.ShapeException;

/**
 * An attention layer whose attention is computed from the masked input M ⊙ x only. The 0/1 mask
 * M is built once from its strategy and kept as saved, untrained state of shape (1, C, H, W).
 */
abstract class MaskedAttentionLayer extends FlowLayer implements AttentionLayer {
  private final Parameter mask;

  MaskedAttentionLayer(ImageShape shape, MaskStrategy strategy) {
    super(shape);
    float[] pattern = strategy.pattern(shape);
    mask = state("mask", shape.batched(1), Init.values(n -> pattern.clone()));
  }

  /** The mask M, shape (1, C, H, W). */
  final NDArray mask() {
    return mask.getArray();
  }

  /** The attention weights computed from the masked input M ⊙ x. */
  abstract NDArray attentionOfMasked(NDArray masked);

  @Override
  public final NDArray attentionMap(NDArray x) {
    if (x.getShape().dimension() != 4 || !ImageShape.of(x.getShape()).equals(inputShape())) {
      throw new ShapeException(path() + ": attention map input must be (B, " + inputShape() + "), found " + x.getShape());
    }
    return attentionOfMasked(x.mul(mask()));
  }
}
