package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code affine-coupling}: Glow affine coupling, scale = sigmoid(raw + 2), zero-initialised output. */
public final class AffineCouplingProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public AffineCouplingProvider() {
    super("affine-coupling", "Glow affine coupling, scale = sigmoid(raw + 2), zero-initialised output.", "# width of the coupling network's hidden convolutions\nhidden = 512");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    return new AffineCoupling(context.requireInputShape(), context.settings().integerAtLeast("hidden", 1), context.random());
  }
}
