package org.attnflow.models.training;

import org.attnflow.api.Condition;
import org.attnflow.api.Noise;

/**
 * Classifier-free label dropout ({@code train.class-dropout}, docs/maths.md, "Guidance"): image i
 * of the batch of step s loses its class ({@link Condition#NO_CLASS}) with probability p, by a
 * uniform draw that is a function of (seed, s, i) alone, so a resumed run, any number of workers
 * and any accumulation drop the same classes.
 */
final class ClassDropout {
  /** The purpose of the class-dropout stream in {@link Noise#streamSeed}, apart from the data's (1 to 4) and dropout's (5). */
  static final long CLASS_DROPOUT_STREAM = 6;
  private static final double UNIT = 0x1.0p-53;
  private final double probability;
  private final long seed;

  /** Drops with {@code probability} from {@code seed} (the run's {@code train.seed}). */
  ClassDropout(double probability, long seed) {
    this.probability = probability;
    this.seed = seed;
  }

  /** {@code labels}, the classes of the whole batch of {@code step}, with the dropped ones replaced by "no class"; themselves when p = 0. */
  int[] apply(int[] labels, long step) {
    if (probability == 0) {
      return labels;
    }
    int[] kept = labels.clone();
    long stepSeed = Noise.streamSeed(seed, CLASS_DROPOUT_STREAM, step);
    for (int i = 0; i < kept.length; i++) {
      if ((Noise.streamSeed(stepSeed, 0, i) >>> 11) * UNIT < probability) {
        kept[i] = Condition.NO_CLASS;
      }
    }
    return kept;
  }
}
