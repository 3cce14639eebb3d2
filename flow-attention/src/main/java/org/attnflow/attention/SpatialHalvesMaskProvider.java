package org.attnflow.attention;

import org.attnflow.api.MaskStrategy;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.MaskProvider;

/** Provides {@code spatial-halves}: masks all channels of the top half of the rows. */
public final class SpatialHalvesMaskProvider extends BasicPlugin<MaskStrategy> implements MaskProvider {

  /** Declares the provider. */
  public SpatialHalvesMaskProvider() {
    super("spatial-halves", "masks all channels of the top half of the rows.", "");
  }

  @Override
  public MaskStrategy create(BuildContext context) {
    return new SpatialHalvesMask();
  }
}
