package org.attnflow.data.pipeline;

import java.util.SplittableRandom;

/**
 * Independent random streams derived from the user's seed: one per purpose (shuffling, training
 * batches, test images, test subsets) and index (epoch, batch, image), so that each is reproducible alone.
 */
final class Seeds {
  /** The shuffle of one epoch. */
  static final long SHUFFLE = 1;
  /** The augmentation and dequantisation of one training batch. */
  static final long TRAIN_BATCH = 2;
  /** The dequantisation of one test image. */
  static final long TEST_IMAGE = 3;
  /** The permutation that test subsets are drawn from. */
  static final long TEST_SUBSET = 4;

  private Seeds() {}

  /** The random stream of ({@code seed}, {@code purpose}, {@code index}). */
  static SplittableRandom random(long seed, long purpose, long index) {
    return new SplittableRandom(mix(mix(mix(seed) + purpose) + index));
  }

  /** The SplitMix64 finaliser: a bijection that spreads nearby inputs over all 64 bits. */
  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
