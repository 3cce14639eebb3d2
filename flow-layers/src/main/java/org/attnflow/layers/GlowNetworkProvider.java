package org.attnflow.layers;

import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.NetworkProvider;

/** Provides the coupling network {@code glow}: Glow's conv3×3-ReLU, conv1×1-ReLU, zero conv3×3. */
public final class GlowNetworkProvider extends BasicPlugin<ConditioningNetwork.Factory> implements NetworkProvider {

  /** Declares the provider. */
  public GlowNetworkProvider() {
    super("glow", "Glow's coupling network: conv3x3-ReLU, conv1x1-ReLU, zero-initialised conv3x3.", "");
  }

  @Override
  public ConditioningNetwork.Factory create(BuildContext context) {
    return (input, hidden, out, random) -> new GlowNetwork(input.channels(), hidden, out, random);
  }
}
