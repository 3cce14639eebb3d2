package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import org.attnflow.api.AttentionLayer;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.MaskStrategy;
import org.attnflow.api.ShapeException;
import org.attnflow.layers.ClassEmbedding;

/**
 * An attention layer whose attention is computed from the masked input M ⊙ x only (and, in a
 * class-conditional model, the class, as the channels of a {@link ClassEmbedding} appended to
 * M ⊙ x). The 0/1 mask M is built once from its strategy and kept as saved, untrained state of
 * shape (1, C, H, W).
 */
abstract class MaskedAttentionLayer extends FlowLayer implements AttentionLayer {
  private final Parameter mask;
  private final ClassEmbedding classEmbedding;

  /** The layer with mask strategy {@code strategy} whose networks also see {@code classEmbedding} (null: no class). */
  MaskedAttentionLayer(ImageShape shape, MaskStrategy strategy, ClassEmbedding classEmbedding) {
    super(shape);
    float[] pattern = strategy.pattern(shape);
    mask = state("mask", shape.batched(1), Init.values(n -> pattern.clone()));
    this.classEmbedding = classEmbedding == null ? null : child("class-embedding", classEmbedding);
  }

  /** The mask M, shape (1, C, H, W). */
  final NDArray mask() {
    return mask.getArray();
  }

  /**
   * What the attention's networks see: the masked input M ⊙ x (B, C, H, W), with the class
   * embedding appended in a conditional layer (B, C + E, H, W).
   */
  final NDArray networkInput(NDArray masked, FlowPass pass) {
    return classEmbedding == null ? masked : classEmbedding.appendTo(masked, pass);
  }

  /** The attention weights computed from the masked input M ⊙ x (and the class of {@code pass}). */
  abstract NDArray attentionOfMasked(NDArray masked, FlowPass pass);

  @Override
  public final NDArray attentionMap(NDArray x, FlowPass pass) {
    if (x.getShape().dimension() != 4 || !ImageShape.of(x.getShape()).equals(inputShape())) {
      throw new ShapeException(path() + ": attention map input must be (B, " + inputShape() + "), found " + x.getShape());
    }
    return attentionOfMasked(x.mul(mask()), pass);
  }
}
