package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code reverse}: reverses the order of the channels. */
public final class ReverseProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public ReverseProvider() {
    super("reverse", "reverses the order of the channels.", "");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    int c = context.requireInputShape().channels();
    int[] order = new int[c];
    for (int i = 0; i < c; i++) {
      order[i] = c - 1 - i;
    }
    return new ChannelPermutation(context.requireInputShape(), order);
  }
}
