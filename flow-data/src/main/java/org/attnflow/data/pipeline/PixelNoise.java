package org.attnflow.data.pipeline;

import java.util.SplittableRandom;

/**
 * How 8-bit pixels become the model's continuous values in [−0.5, 0.5) (give or take the noise):
 * uniform dequantisation ({@link Dequantisation}, the default, under which bits/dim bounds the
 * images' discrete likelihood) or TarFlow's Gaussian noise augmentation ({@link GaussianNoise}).
 */
public interface PixelNoise {

  /** Writes {@code count} noisy values of {@code pixels} from {@code offset} into {@code target}. */
  void apply(byte[] pixels, int offset, float[] target, int targetOffset, int count, SplittableRandom random);

  /** What the noise is, for outputs: "uniform dequantisation", "Gaussian noise σ = 0.05". */
  String description();

  /** Whether bits/dim under this noise bounds the 8-bit images' likelihood (only uniform dequantisation does). */
  boolean isDequantisation();
}
