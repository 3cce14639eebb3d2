package org.attnflow.attention;

import org.attnflow.api.ImageShape;
import org.attnflow.api.MaskProperty;
import org.attnflow.api.MaskStrategy;

/**
 * The 3-D checkerboard of grid g: M[c,i,j] = 1 iff (c + ⌊i/g⌋ + ⌊j/g⌋) mod 2 = 0. It alternates over
 * channels, rows and columns (in squares of side g).
 *
 * @param grid the side g of the squares, at least 1
 */
public record CheckerboardMask(int grid) implements MaskStrategy {

  /** Validates the grid. */
  public CheckerboardMask {
    if (grid < 1) {
      throw new IllegalArgumentException("the checkerboard grid must be at least 1, found " + grid);
    }
  }

  @Override
  public String type() {
    return "checkerboard";
  }

  @Override
  public float[] pattern(ImageShape shape) {
    float[] m = new float[shape.size()];
    int k = 0;
    for (int c = 0; c < shape.channels(); c++) {
      for (int i = 0; i < shape.height(); i++) {
        for (int j = 0; j < shape.width(); j++) {
          m[k++] = (c + i / grid + j / grid) % 2 == 0 ? 1f : 0f;
        }
      }
    }
    return m;
  }

  /**
   * Half the channels at every position iff C is even; the same pattern in every P×P patch iff P
   * is a multiple of 2g and H and W are multiples of P.
   */
  @Override
  public boolean guarantees(MaskProperty property, ImageShape shape, int patch) {
    return switch (property) {
      case HALF_CHANNELS_AT_EVERY_POSITION -> shape.channels() % 2 == 0;
      case SAME_PATTERN_IN_EVERY_PATCH -> patch % (2 * grid) == 0 && Patches.tile(shape, patch);
    };
  }
}
