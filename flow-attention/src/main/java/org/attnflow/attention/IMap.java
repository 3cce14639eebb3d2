package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.MaskStrategy;
import org.attnflow.api.math.FlowMath;
import org.attnflow.layers.ClassEmbedding;

/**
 * iMap, map-based invertible attention (docs/maths.md, "iMap"): y = S ⊙ x with
 * S[c,p] = σ(s_c + δ) where M = 1 and σ(a_p + δ) where M = 0, a the {@link PositionScores} of
 * M ⊙ x. Since a depends only on the masked entries the Jacobian is block-triangular and
 * log|det J| = Σ_{M=1} log σ(s_c + δ) + Σ_{M=0} log σ(a_p + δ), per sample. The inverse first
 * recovers the masked entries, then a, then the rest. The attention map is σ(a + δ), (B, 1, H, W).
 * In a class-conditional model the scores also see the class embedding, so a depends on M ⊙ x
 * and the class, and the log-det keeps its form.
 */
public final class IMap extends MaskedAttentionLayer {
  private final Parameter channelLogit;
  private final PositionScores scores;
  private final float offset;

  /**
   * The layer with mask M, scores a (of M ⊙ x with {@code classEmbedding} appended when it is not
   * null) and sigmoid offset δ; s starts at 0.
   */
  IMap(ImageShape shape, MaskStrategy mask, PositionScores scores, double offset, ClassEmbedding classEmbedding) {
    super(shape, mask, classEmbedding);
    channelLogit = parameter("s", new Shape(1, shape.channels(), 1, 1), Init.constant(0));
    this.scores = child("scores", scores);
    this.offset = (float) offset;
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    NDArray logScale = logScale(x.mul(mask()), pass);
    return new FlowOutput(x.mul(logScale.exp()), FlowMath.perSample(logScale));
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    NDArray masked = y.mul(derived("masked inverse scale", () -> mask().mul(maskedLogScale().neg().exp())));
    NDArray logScale = logScale(masked, pass);
    return FlowOutput.of(y.mul(logScale.neg().exp()), pass, () -> FlowMath.perSample(logScale).neg());
  }

  @Override
  NDArray attentionOfMasked(NDArray masked, FlowPass pass) {
    return Activation.sigmoid(scores.apply(networkInput(masked, pass)).add(offset));
  }

  /**
   * log S: log σ(s_c + δ) where M = 1 and log σ(a_p + δ) where M = 0, shape (B, C, H, W), as
   * (1 − M)·log σ(a + δ) + M·log σ(s + δ), which selects exactly since M is 0 or 1.
   */
  private NDArray logScale(NDArray masked, FlowPass pass) {
    NDArray unmasked = FlowMath.logSigmoid(scores.apply(networkInput(masked, pass)).add(offset));
    NDArray complement = derived("complement", () -> mask().neg().add(1));
    return unmasked.mul(complement).add(derived("masked log-scale", () -> mask().mul(maskedLogScale())));
  }

  /** log σ(s + δ), shape (1, C, 1, 1). */
  private NDArray maskedLogScale() {
    return FlowMath.logSigmoid(channelLogit.getArray().add(offset));
  }
}
