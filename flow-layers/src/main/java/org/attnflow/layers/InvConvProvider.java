package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code invconv}: invertible 1×1 convolution initialised from a random rotation. */
public final class InvConvProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public InvConvProvider() {
    super("invconv", "invertible 1×1 convolution initialised from a random rotation.", "# true: LU form, log-det = sum of log s (fast, always invertible); false: a plain C×C matrix\nlu = true");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    long seed = context.random().nextLong();
    return context.settings().bool("lu")
        ? new InvConvLu(context.requireInputShape(), seed)
        : new InvConv(context.requireInputShape(), seed);
  }
}
