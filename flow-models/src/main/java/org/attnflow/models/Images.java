package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.attnflow.api.ImageShape;

/**
 * A set of 8-bit images in N, C, H, W order, as produced by sampling or decoding.
 *
 * @param pixels the pixel values 0..255
 * @param count the number of images
 * @param shape the per-image shape
 */
public record Images(byte[] pixels, int count, ImageShape shape) {

  /** Quantises model-space values (x̃ ∈ [−0.5, 0.5)) back to pixels: ⌊(x̃ + 0.5)·256⌋, clamped. */
  public static Images quantise(NDArray x) {
    float[] v = x.toFloatArray();
    byte[] p = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      p[i] = (byte) pixel(v[i]);
    }
    return new Images(p, (int) x.getShape().get(0), ImageShape.of(x.getShape()));
  }

  /**
   * One value's pixel, ⌊(x̃ + 0.5)·256⌋ clamped to 0..255, and 0 for NaN. Between 1 and 255 the
   * floor is a truncation, and below 1 both give 0 after the clamp; Math.floor was a call per
   * pixel in the sampling pass.
   */
  static int pixel(float value) {
    double q = (value + 0.5) * 256;
    return q >= 255 ? 255 : q >= 1 ? (int) q : 0;
  }

  /**
   * The images as float32 values p/255 in [0, 1], shape (N, C, H, W): the input of a feature
   * network. Real and generated images both reach a network through this one conversion.
   */
  public NDArray toUnitInterval(NDManager manager) {
    float[] v = new float[pixels.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (pixels[i] & 0xff) / 255f;
    }
    return manager.create(v, shape.batched(count));
  }

  /** The images of {@code parts}, all of one shape, in order as one set. */
  public static Images join(List<Images> parts) {
    int count = parts.stream().mapToInt(Images::count).sum();
    ImageShape shape = parts.get(0).shape();
    byte[] pixels = new byte[Math.multiplyExact(count, shape.size())];
    int at = 0;
    for (Images part : parts) {
      System.arraycopy(part.pixels(), 0, pixels, at, part.pixels().length);
      at += part.pixels().length;
    }
    return new Images(pixels, count, shape);
  }

  /** Pixel c, i, j of image n, 0..255. */
  public int pixel(int n, int c, int i, int j) {
    return pixels[((n * shape.channels() + c) * shape.height() + i) * shape.width() + j] & 0xff;
  }
}
