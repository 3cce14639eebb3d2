package org.attnflow.attention;

import java.util.Arrays;
import org.attnflow.api.ImageShape;
import org.attnflow.api.MaskProperty;
import org.attnflow.api.MaskStrategy;

/** Masks every channel of the top ⌊H/2⌋ rows. */
public record SpatialHalvesMask() implements MaskStrategy {

  @Override
  public String type() {
    return "spatial-halves";
  }

  @Override
  public float[] pattern(ImageShape shape) {
    float[] m = new float[shape.size()];
    int maskedPerChannel = (shape.height() / 2) * shape.width();
    for (int c = 0; c < shape.channels(); c++) {
      int start = c * shape.positions();
      Arrays.fill(m, start, start + maskedPerChannel, 1f);
    }
    return m;
  }

  /** Neither property: a position has all or none of its channels masked, and top and bottom patches differ. */
  @Override
  public boolean guarantees(MaskProperty property, ImageShape shape, int patch) {
    return false;
  }
}
