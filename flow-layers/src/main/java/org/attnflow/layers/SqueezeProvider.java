package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code squeeze}: space-to-depth, (C, H, W) to (4C, H/2, W/2). */
public final class SqueezeProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public SqueezeProvider() {
    super("squeeze", "space-to-depth, (C, H, W) to (4C, H/2, W/2).", "");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    return new Squeeze(context.requireInputShape());
  }
}
