package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code additive-coupling}: volume-preserving additive coupling, y2 = x2 + NN(x1). */
public final class AdditiveCouplingProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public AdditiveCouplingProvider() {
    super("additive-coupling", "volume-preserving additive coupling, y2 = x2 + NN(x1).", "# width of the coupling network's hidden convolutions\nhidden = 512");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    return new AdditiveCoupling(context.requireInputShape(), context.settings().integerAtLeast("hidden", 1), context.random());
  }
}
