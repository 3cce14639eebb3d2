package org.attnflow.layers;

import java.util.Map;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;
import org.attnflow.api.spi.PluginKind;

/**
 * The common part of coupling-layer providers: the keys every coupling takes, {@code hidden} (the
 * network's width), the nested {@code network} block that chooses the network, built here
 * before the layer, and the keys of its {@link ClassEmbedding} in a class-conditional model.
 */
abstract class CouplingProvider extends BasicPlugin<FlowLayer> implements LayerProvider {
  private static final String COUPLING_DEFAULTS = """
      # width of the coupling network's hidden layers
      hidden = 512
      # the coupling network: glow (Glow's three convolutions) or flowpp (Flow++'s gated convolution and attention blocks)
      network { type = glow }
      """ + ClassEmbedding.DEFAULTS;

  /** Declares a coupling provider; {@code moreDefaults} holds the keys of its own, if any. */
  CouplingProvider(String type, String description, String moreDefaults) {
    super(type, description, COUPLING_DEFAULTS + moreDefaults);
  }

  /**
   * Builds the layer for {@code shape} with the configured network factory and width, and the
   * class embedding its network also sees (null in an unconditional layer).
   */
  abstract FlowLayer create(ImageShape shape, ConditioningNetwork.Factory network, int hidden, ClassEmbedding classEmbedding,
      BuildContext context);

  @Override
  public final FlowLayer create(BuildContext context) {
    ConditioningNetwork.Factory network = context.nested("network").build(PluginKind.NETWORK);
    ClassEmbedding classEmbedding = ClassEmbedding.configured(context);
    return create(context.requireInputShape(), network, context.settings().integerAtLeast("hidden", 1), classEmbedding, context);
  }

  @Override
  public final Map<String, PluginKind<?>> nested() {
    return Map.of("network", PluginKind.NETWORK);
  }
}
