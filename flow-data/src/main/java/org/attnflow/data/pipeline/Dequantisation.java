package org.attnflow.data.pipeline;

import java.util.SplittableRandom;

/**
 * Uniform dequantisation, {@code x = (x_int + u) / 256 − 0.5} with {@code u ~ U(0, 1)}. The
 * noise has a resolution of 2⁻¹⁶, which makes every value exact in float32 and strictly below
 * 0.5 (a float sum at full resolution can round up to 0.5).
 */
public final class Dequantisation implements PixelNoise {
  /** The one uniform dequantisation. */
  public static final Dequantisation UNIFORM = new Dequantisation();

  private Dequantisation() {}

  @Override
  public void apply(byte[] pixels, int offset, float[] target, int targetOffset, int count, SplittableRandom random) {
    for (int i = 0; i < count; i++) {
      int fixedPoint = (pixels[offset + i] & 0xFF) << 16 | random.nextInt() >>> 16;
      target[targetOffset + i] = fixedPoint * 0x1p-24f - 0.5f;
    }
  }

  @Override
  public String description() {
    return "uniform dequantisation";
  }

  @Override
  public boolean isDequantisation() {
    return true;
  }
}
