package org.attnflow.layers;

import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.config.Settings;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.NetworkProvider;

/** Provides the coupling network {@code flowpp}: Flow++'s gated convolution and self-attention blocks. */
public final class FlowPlusPlusNetworkProvider extends BasicPlugin<ConditioningNetwork.Factory> implements NetworkProvider {

  /** Declares the provider. */
  public FlowPlusPlusNetworkProvider() {
    super("flowpp", "Flow++'s coupling network: residual gated convolution and multi-head self-attention blocks.", """
        # residual blocks, each a gated convolution and a gated self-attention with layer norms
        blocks = 2
        # attention heads; they must divide the coupling's hidden width
        heads = 4
        # dropout rate in training steps (none in evaluation, sampling or initialisation)
        dropout = 0.2
        """);
  }

  @Override
  public ConditioningNetwork.Factory create(BuildContext context) {
    Settings settings = context.settings();
    int blocks = settings.integerAtLeast("blocks", 1);
    int heads = settings.integerAtLeast("heads", 1);
    double dropout = settings.number("dropout");
    if (!(dropout >= 0 && dropout < 1)) {
      throw settings.error("dropout", "expected a rate in [0, 1), found " + dropout);
    }
    FlowPlusPlusNetwork.Options options = new FlowPlusPlusNetwork.Options(blocks, heads, dropout);
    return (input, hidden, out, random) -> {
      if (hidden % heads != 0) {
        throw settings.error("heads", heads + " heads do not divide the coupling's hidden width " + hidden);
      }
      return new FlowPlusPlusNetwork(input, hidden, out, options, random);
    };
  }
}
