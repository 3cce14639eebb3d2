package org.attnflow.data.pipeline;

import java.util.SplittableRandom;

/**
 * The endless order in which training images are visited: epoch e is a Fisher–Yates shuffle
 * seeded by (seed, e), and position p of the sequence is image {@code shuffle(p / n)[p % n]}.
 * The two most recent shuffles are kept, enough for batches that cross an epoch boundary.
 */
final class EpochOrder {
  private final int count;
  private final long seed;
  private long olderEpoch = -1;
  private int[] older;
  private long newerEpoch = -1;
  private int[] newer;

  /** The order of {@code count} images shuffled from {@code seed}. */
  EpochOrder(int count, long seed) {
    this.count = count;
    this.seed = seed;
  }

  /** The image at {@code position} of the endless sequence. */
  int imageAt(long position) {
    return shuffle(position / count)[(int) (position % count)];
  }

  private int[] shuffle(long epoch) {
    if (epoch == newerEpoch) {
      return newer;
    }
    if (epoch == olderEpoch) {
      return older;
    }
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    SplittableRandom random = Seeds.random(seed, Seeds.SHUFFLE, epoch);
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    olderEpoch = newerEpoch;
    older = newer;
    newerEpoch = epoch;
    newer = order;
    return order;
  }
}
