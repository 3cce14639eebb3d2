package org.attnflow.data.pipeline;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.attnflow.api.ImageShape;

/**
 * Random training augmentation of one C×H×W image (after padding): a horizontal flip with
 * probability 1/2 and a shift of up to ±{@code shift} pixels along each axis that repeats the
 * edge pixels.
 */
public final class Augmentation {
  private final ImageShape shape;
  private final boolean flip;
  private final int shift;

  /** An augmentation of images of {@code shape}; {@code shift} 0 and no flip change nothing. */
  public Augmentation(ImageShape shape, boolean flip, int shift) {
    this.shape = shape;
    this.flip = flip;
    this.shift = shift;
  }

  /** True when it leaves every image as it is. */
  boolean isIdentity() {
    return !flip && shift == 0;
  }

  /** Writes an augmented copy of the image at {@code source[offset]} to {@code target[targetOffset]}. */
  void apply(byte[] source, int offset, byte[] target, int targetOffset, SplittableRandom random) {
    boolean mirrored = flip && random.nextBoolean();
    int dx = shift == 0 ? 0 : random.nextInt(-shift, shift + 1);
    int dy = shift == 0 ? 0 : random.nextInt(-shift, shift + 1);
    int h = shape.height();
    int w = shape.width();
    for (int c = 0; c < shape.channels(); c++) {
      for (int y = 0; y < h; y++) {
        int from = offset + (c * h + Math.max(0, Math.min(h - 1, y - dy))) * w;
        int to = targetOffset + (c * h + y) * w;
        if (mirrored) {
          for (int x = 0; x < w; x++) {
            target[to + x] = source[from + w - 1 - Math.max(0, Math.min(w - 1, x - dx))];
          }
        } else {
          shiftRow(source, from, target, to, w, dx);
        }
      }
    }
  }

  /** Copies a row moved right by {@code dx} (left when negative), repeating its edge pixel. */
  private static void shiftRow(byte[] source, int from, byte[] target, int to, int w, int dx) {
    int kept = Math.max(0, w - Math.abs(dx));
    if (dx >= 0) {
      Arrays.fill(target, to, to + w - kept, source[from]);
      System.arraycopy(source, from, target, to + w - kept, kept);
    } else {
      System.arraycopy(source, from + w - kept, target, to, kept);
      Arrays.fill(target, to + kept, to + w, source[from + w - 1]);
    }
  }
}
