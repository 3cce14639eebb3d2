package org.attnflow.data.pipeline;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.attnflow.api.data.DataPipeline;

/**
 * The test images a limited pass sees (the rule of {@link DataPipeline}): the first n of one
 * Fisher–Yates permutation of the test set drawn from {@link DataPipeline#TEST_SUBSET_SEED}, in
 * file order. It depends only on the test set's size and n.
 */
final class TestSubset {
  private TestSubset() {}

  /** The indices of the {@code limit} images chosen from {@code count} (every index when limit ≤ 0 or ≥ count), ascending. */
  static int[] of(int count, int limit) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    if (limit <= 0 || limit >= count) {
      return order;
    }
    SplittableRandom random = Seeds.random(DataPipeline.TEST_SUBSET_SEED, Seeds.TEST_SUBSET, count);
    for (int i = 0; i < limit; i++) {
      int j = i + random.nextInt(count - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int[] chosen = Arrays.copyOf(order, limit);
    Arrays.sort(chosen);
    return chosen;
  }
}
