package org.attnflow.data.pipeline;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * TarFlow's noise augmentation (Zhai et al., 2025): {@code x = (x_int + 0.5) / 256 − 0.5 + σ·ε}
 * with {@code ε ~ N(0, 1)}, the pixel's centre plus Gaussian noise of standard deviation σ in the
 * model's units (the pixel range is 1 wide; TarFlow's σ = 0.05 on its range [−1, 1] is 0.025
 * here). The model then learns the density of the noisy images, whose samples the score-based
 * denoising step of {@code sample --denoise} cleans; its bits/dim is not a bound on the 8-bit
 * images' likelihood.
 */
public final class GaussianNoise implements PixelNoise {
  private final double sigma;

  /** Noise of standard deviation {@code sigma} &gt; 0. */
  public GaussianNoise(double sigma) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("the Gaussian noise needs a finite σ > 0, found " + sigma);
    }
    this.sigma = sigma;
  }

  @Override
  public void apply(byte[] pixels, int offset, float[] target, int targetOffset, int count, SplittableRandom random) {
    for (int i = 0; i < count; i++) {
      target[targetOffset + i] = (float) (((pixels[offset + i] & 0xFF) + 0.5) / 256 - 0.5 + sigma * random.nextGaussian());
    }
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "Gaussian noise σ = %s", sigma);
  }

  @Override
  public boolean isDequantisation() {
    return false;
  }
}
