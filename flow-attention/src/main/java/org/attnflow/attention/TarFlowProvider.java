package org.attnflow.attention;

import java.util.Locale;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/**
 * Provides {@code tarflow}: a Transformer autoregressive flow block over P×P patch tokens
 * (TarFlow). Refuses, at build time, patches that do not tile the input or leave fewer than two
 * tokens, and heads that do not divide the width. In a class-conditional model the block takes the
 * class unless its {@code conditioned} is false.
 */
public final class TarFlowProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public TarFlowProvider() {
    super("tarflow", "Transformer autoregressive flow block over P×P patch tokens: z_i = (x_i − μ_i)·exp(−α_i) from a causal Transformer of tokens < i.", """
        # side P of the square patches that are the tokens (P must divide H and W; at least 2 tokens)
        patch = 2
        # features per token inside the Transformer
        width = 64
        # Transformer layers (attention and MLP, pre-norm)
        depth = 2
        # attention heads (they must divide the width)
        heads = 4
        # hidden width of each MLP, as a multiple of the width
        mlp-ratio = 4
        # take the tokens in reversed (bottom-right first) order
        reverse = false
        # flip the order on the odd steps of a level, so that successive blocks alternate direction
        alternate = true
        # the inverse: cached (token by token, keys and values cached), recompute (token by token,
        # the whole network recomputed: slow, the reference) or jacobi (all tokens at once, iterated)
        inverse = cached
        # jacobi: stop once no value changes by more than this
        jacobi-tolerance = 1e-5
        # jacobi: the most iterations; 0 for the number of tokens N, after which the iteration is exact
        jacobi-max-iterations = 0
        # in a class-conditional model (model.classes > 0), add a learned class embedding to every token's
        # input, so that the shifts and log-scales depend on the class (and sample --guidance can steer them)
        conditioned = true
        """);
  }

  @Override
  public FlowLayer create(BuildContext context) {
    ImageShape shape = context.requireInputShape();
    Settings settings = context.settings();
    int patch = settings.integerAtLeast("patch", 1);
    if (!Patches.tile(shape, patch) || shape.positions() / (patch * patch) < 2) {
      throw settings.error("patch", "the patch size " + patch + " must divide the height and the width of the input "
          + shape + " and leave at least 2 tokens");
    }
    int width = settings.integerAtLeast("width", 1);
    int heads = settings.integerAtLeast("heads", 1);
    if (width % heads != 0) {
      throw settings.error("heads", heads + " heads must divide the width " + width);
    }
    var options = new CausalTransformer.Options(width, settings.integerAtLeast("depth", 1), heads, settings.integerAtLeast("mlp-ratio", 1));
    boolean odd = context.stepIndex() % 2 == 1;
    boolean reversed = settings.bool("reverse") ^ (odd && settings.bool("alternate"));
    boolean conditioned = settings.bool("conditioned");
    int classes = context.conditional() && conditioned ? context.classes() : 0;
    return new TarFlow(shape, patch, reversed, classes, options, inverse(settings), context.random());
  }

  private static TarFlowInverse inverse(Settings settings) {
    String method = settings.choice("inverse", "cached", "recompute", "jacobi");
    double tolerance = settings.number("jacobi-tolerance");
    if (!(tolerance >= 0)) {
      throw settings.error("jacobi-tolerance", "expected a tolerance ≥ 0, found " + tolerance);
    }
    return new TarFlowInverse(TarFlowInverse.Method.valueOf(method.toUpperCase(Locale.ROOT)), tolerance,
        settings.integerAtLeast("jacobi-max-iterations", 0));
  }
}
