package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import java.util.Random;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.MaskStrategy;
import org.attnflow.api.math.BatchedLu;
import org.attnflow.api.math.FlowMath;
import org.attnflow.layers.ClassEmbedding;
import org.attnflow.layers.Conv;

/**
 * iTrans, transformer-based invertible attention between P×P patch tokens (docs/maths.md,
 * "iTrans"): A = row-softmax(QKᵀ/√d) with Q, K 1×1 convolutions of M ⊙ x (optionally causal),
 * W = A + λI or, gated, W = I + σ(r)·A, and Y = M ⊙ x + unpatchify(W·patchify((1 − M) ⊙ x)).
 *
 * <p>Every token has the same mask pattern (the mask guarantees the same pattern in every patch),
 * with u unmasked features, so log|det J| = u·log det W per sample: by block elimination in
 * general, Σ_i log W_ii with the causal mask (W is then lower-triangular). The inverse recomputes W
 * from M ⊙ y and solves W·V = patchify((1 − M) ⊙ y) with {@link BatchedLu#solve}, causal or not.
 * The attention map is A, (B, N, N). In a class-conditional model Q and K also see the class
 * embedding (1×1 convolutions of M ⊙ x with its E channels appended), so W depends on M ⊙ x and
 * the class only, and the log-det keeps its form.
 */
public final class ITrans extends MaskedAttentionLayer {
  /** Standard deviation of the initial query and key weights. */
  private static final double WEIGHT_STD = 0.05;

  private final Patches patches;
  private final Conv queries;
  private final Conv keys;
  private final Parameter causalBias;
  private final IdentityTerm identityTerm;
  private final Parameter identityParameter;
  private final float fixedLambda;
  private final float logitScale;
  private final float unmaskedPerToken;

  /**
   * The layer with mask M (the same pattern in every patch, P dividing H and W: checked by the
   * provider) and patch side P. {@code initial} is λ for a fixed or learned λ (above 1 when
   * learned) and r for the gate; Q and K weights are drawn from {@code random}, and they also see
   * {@code classEmbedding} when it is not null.
   */
  ITrans(ImageShape shape, MaskStrategy mask, int patch, boolean causal, IdentityTerm identityTerm, double initial,
      ClassEmbedding classEmbedding, Random random) {
    super(shape, mask, classEmbedding);
    patches = new Patches(shape, patch);
    int c = shape.channels();
    int in = c + ClassEmbedding.channelsOf(classEmbedding);
    queries = child("queries", Conv.hidden(in, c, 1, random.nextLong(), WEIGHT_STD));
    keys = child("keys", Conv.hidden(in, c, 1, random.nextLong(), WEIGHT_STD));
    int n = patches.count();
    causalBias = causal ? state("causal", new Shape(n, n), Init.values(size -> CausalMask.of(n))) : null;
    this.identityTerm = identityTerm;
    identityParameter = switch (identityTerm) {
      case FIXED_LAMBDA -> null;
      case LEARNED_LAMBDA -> parameter("lambda_rho", new Shape(1), Init.constant((float) Math.log(Math.expm1(initial - 1))));
      case GATE -> parameter("gate", new Shape(1), Init.constant((float) initial));
    };
    fixedLambda = identityTerm == IdentityTerm.FIXED_LAMBDA ? (float) initial : Float.NaN;
    logitScale = (float) (1 / Math.sqrt(patches.features()));
    float[] pattern = mask.pattern(shape);
    double masked = 0;
    for (float m : pattern) {
      masked += m;
    }
    unmaskedPerToken = (float) ((pattern.length - masked) / n);
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    NDArray kept = x.mul(mask());
    NDArray w = weights(attentionOfMasked(kept, pass));
    // W mixes tokens, not features: the masked features of the values are 0 and stay 0 in W·V,
    // so the (1 − M) ⊙ before unpatchify holds by itself.
    NDArray mixed = w.matMul(patches.tokens(x.sub(kept)));
    return new FlowOutput(kept.add(patches.image(mixed)), logDet(w));
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    NDArray kept = y.mul(mask());
    NDArray w = weights(attentionOfMasked(kept, pass));
    NDArray values = BatchedLu.solve(w, patches.tokens(y.sub(kept)));
    return FlowOutput.of(kept.add(patches.image(values)), pass, () -> logDet(w).neg());
  }

  @Override
  NDArray attentionOfMasked(NDArray masked, FlowPass pass) {
    NDArray input = networkInput(masked, pass);
    NDArray q = patches.tokens(queries.apply(input));
    NDArray k = patches.tokens(keys.apply(input));
    NDArray logits = FlowMath.scale(q.matMul(k.transpose(0, 2, 1)), logitScale);
    if (causalBias != null) {
      logits = logits.add(causalBias.getArray());
    }
    return logits.softmax(2);
  }

  /** W from A: A + λI, or I + σ(r)·A when gated. */
  private NDArray weights(NDArray attention) {
    return switch (identityTerm) {
      case FIXED_LAMBDA -> attention.add(derived("λI", () -> FlowMath.scale(identity(), fixedLambda)));
      case LEARNED_LAMBDA -> attention.add(derived("λI", () -> identity().mul(Activation.softPlus(identityParameter.getArray()).add(1f))));
      case GATE -> attention.mul(derived("gate", () -> Activation.sigmoid(identityParameter.getArray()))).add(derived("I", this::identity));
    };
  }

  private NDArray identity() {
    return mask().getManager().eye(patches.count());
  }

  /** u·log det W per sample: Σ_i log W_ii when W is lower-triangular (causal), else by elimination. */
  private NDArray logDet(NDArray w) {
    NDArray logDetW;
    if (causalBias != null) {
      long n = patches.count();
      logDetW = w.reshape(w.getShape().get(0), n * n).get(":, ::" + (n + 1)).log().sum(new int[] {1});
    } else {
      logDetW = BatchedLu.logAbsDet(w);
    }
    return FlowMath.scale(logDetW, unmaskedPerToken);
  }
}
