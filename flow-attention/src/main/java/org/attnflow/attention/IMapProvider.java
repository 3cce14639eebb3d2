package org.attnflow.attention;

import java.util.Map;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.layers.ClassEmbedding;

/** Provides {@code imap}: map-based invertible attention (iMap). */
public final class IMapProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public IMapProvider() {
    super("imap", "map-based invertible attention: scales the unmasked entries by σ(a_p + δ), a from the masked ones.", """
        # the mask M: entries where M = 1 are scaled by σ(s_c + δ) and drive the attention of the others
        mask { type = checkerboard }
        # use 1 − M on the odd steps of a level, so that both halves are transformed over depth
        alternate = true
        # channel: U = Ω X̃ + β with Ω ∈ ℝ^{C×C} (1×1 conv with bias); spatial: Ω ∈ ℝ^{n×n} over the n = H·W positions
        mixing = channel
        # δ in σ(· + δ), fixed
        offset = 2.0
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
    long seed = context.random().nextLong();
    ClassEmbedding classEmbedding = ClassEmbedding.configured(context);
    int classChannels = ClassEmbedding.channelsOf(classEmbedding);
    PositionScores scores = settings.choice("mixing", "channel", "spatial").equals("channel")
        ? new ChannelMixingScores(shape.channels(), classChannels, seed)
        : new SpatialMixingScores(shape, classChannels, seed);
    return new IMap(shape, LayerMasks.atStep(context, LayerMasks.configured(context)), scores, settings.number("offset"), classEmbedding);
  }
}
