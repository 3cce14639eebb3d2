package org.attnflow.attention;

import org.attnflow.api.MaskStrategy;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.MaskProvider;

/** Provides {@code checkerboard}: 3-D checkerboard of grid g: M[c,i,j] = 1 iff (c + ⌊i/g⌋ + ⌊j/g⌋) is even. */
public final class CheckerboardMaskProvider extends BasicPlugin<MaskStrategy> implements MaskProvider {

  /** Declares the provider. */
  public CheckerboardMaskProvider() {
    super("checkerboard", "3-D checkerboard of grid g: M[c,i,j] = 1 iff (c + ⌊i/g⌋ + ⌊j/g⌋) is even.", "# side g of the squares of the checkerboard (g = 1 alternates at every pixel)\ngrid = 1");
  }

  @Override
  public MaskStrategy create(BuildContext context) {
    return new CheckerboardMask(context.settings().integerAtLeast("grid", 1));
  }
}
