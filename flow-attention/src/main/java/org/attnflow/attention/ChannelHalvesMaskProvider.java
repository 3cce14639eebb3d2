package org.attnflow.attention;

import org.attnflow.api.MaskStrategy;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.MaskProvider;

/** Provides {@code channel-halves}: masks the first half of the channels at every position. */
public final class ChannelHalvesMaskProvider extends BasicPlugin<MaskStrategy> implements MaskProvider {

  /** Declares the provider. */
  public ChannelHalvesMaskProvider() {
    super("channel-halves", "masks the first half of the channels at every position.", "");
  }

  @Override
  public MaskStrategy create(BuildContext context) {
    return new ChannelHalvesMask();
  }
}
