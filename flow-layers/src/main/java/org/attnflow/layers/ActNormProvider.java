package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code actnorm}: per-channel affine normalisation with data-dependent initialisation. */
public final class ActNormProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public ActNormProvider() {
    super("actnorm", "per-channel affine normalisation with data-dependent initialisation.", "");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    return new ActNorm(context.requireInputShape());
  }
}
