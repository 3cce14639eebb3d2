package org.attnflow.data.pipeline;

import java.util.SplittableRandom;
import org.attnflow.api.Noise;

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
  // purpose 5 is the trainer's dropout of one training step (Trainer.DROPOUT_STREAM)

  private Seeds() {}

  /** The random stream of ({@code seed}, {@code purpose}, {@code index}). */
  static SplittableRandom random(long seed, long purpose, long index) {
    return new SplittableRandom(Noise.streamSeed(seed, purpose, index));
  }
}
