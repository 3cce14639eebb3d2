package org.attnflow.attention;

import java.util.Map;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.MaskProperty;
import org.attnflow.api.MaskStrategy;
import org.attnflow.api.config.Settings;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.layers.ClassEmbedding;

/**
 * Provides {@code itrans}: transformer-based invertible attention between patch tokens (iTrans).
 * Refuses, at build time, patches that do not tile the input, masks without the same pattern in
 * every patch, λ &lt; 1, a learned λ that does not start above 1 (λ = 1 + softplus(ρ)), and a gate
 * combined with λ ≠ 1.
 */
public final class ITransProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public ITransProvider() {
    super("itrans", "transformer-based invertible attention between P×P patch tokens: W = A + λI or I + σ(r)·A.", """
        # the mask M: entries where M = 1 give the queries and keys, the others are the values that W mixes
        mask { type = checkerboard }
        # use 1 − M on the odd steps of a level, so that both halves are transformed over depth
        alternate = true
        # side P of the square patches that are the tokens (P must divide H and W)
        patch = 2
        # λ in W = A + λI, at least 1
        lambda = 1.0
        # learn λ as 1 + softplus(ρ), starting at lambda (which must then be above 1); one more parameter
        learn-lambda = false
        # causal mask on the logits: A and W lower-triangular, log-det Σ_i log W_ii
        causal = false
        # gated form W = I + sigmoid(r)·A with one learned scalar r (then lambda must be 1 and not learned)
        gate = false
        # initial r of the gate (σ(−4) ≈ 0.018: the layer starts near the identity)
        gate-init = -4.0
        """ + ClassEmbedding.DEFAULTS);
  }

  @Override
  public Map<String, PluginKind<?>> nested() {
    return LayerMasks.nested();
  }

  @Override
  public FlowLayer create(BuildContext context) {
    ImageShape shape = context.requireInputShape();
    Settings settings = context.settings();
    int patch = settings.integerAtLeast("patch", 1);
    if (!Patches.tile(shape, patch)) {
      throw settings.error("patch", "the patch size " + patch + " must divide the height and the width of the input " + shape);
    }
    MaskStrategy mask = LayerMasks.configured(context);
    MaskProperty needed = MaskProperty.SAME_PATTERN_IN_EVERY_PATCH;
    if (!mask.guarantees(needed, shape, patch)) {
      throw settings.error("mask", "iTrans needs a mask with " + needed.description() + " (P = " + patch
          + "), so that every token has the same unmasked features; mask type \"" + mask.type()
          + "\" does not guarantee it for inputs of " + shape);
    }
    IdentityTerm term = identityTerm(settings);
    double initial = term == IdentityTerm.GATE ? settings.number("gate-init") : settings.number("lambda");
    ClassEmbedding classEmbedding = ClassEmbedding.configured(context);
    return new ITrans(shape, LayerMasks.atStep(context, mask), patch, settings.bool("causal"), term, initial, classEmbedding,
        context.random());
  }

  private static IdentityTerm identityTerm(Settings settings) {
    double lambda = settings.number("lambda");
    boolean learned = settings.bool("learn-lambda");
    if (lambda < 1) {
      throw settings.error("lambda", "expected λ ≥ 1 (so that W = A + λI stays diagonally dominant), found " + lambda);
    }
    if (settings.bool("gate")) {
      if (learned || lambda != 1) {
        throw settings.error("gate", "the gated form W = I + sigmoid(r)·A has λ = 1: set lambda = 1 and learn-lambda = false");
      }
      return IdentityTerm.GATE;
    }
    if (learned && lambda <= 1) {
      throw settings.error("lambda", "a learned λ = 1 + softplus(ρ) starts above 1: set lambda above 1 (for example 1.5), found " + lambda);
    }
    return learned ? IdentityTerm.LEARNED_LAMBDA : IdentityTerm.FIXED_LAMBDA;
  }
}
