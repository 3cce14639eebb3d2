package org.attnflow.data.pipeline;

import org.attnflow.api.data.Batch;

/**
 * One pass over the first {@code count} test images in order, the last batch possibly smaller.
 * Image i is dequantised with the random stream of (seed, i), so its values do not depend on
 * the batch size.
 */
final class TestBatches implements BatchSource {
  private final PaddedImages images;
  private final int count;
  private final int batchSize;
  private final long seed;

  /** Batches of {@code batchSize} over the first {@code count} of {@code images}, noise from {@code seed}. */
  TestBatches(PaddedImages images, int count, int batchSize, long seed) {
    this.images = images;
    this.count = count;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  @Override
  public Batch produce(long index) {
    long first = index * batchSize;
    if (first >= count) {
      return null;
    }
    int size = (int) Math.min(batchSize, count - first);
    int d = images.shape().size();
    float[] values = new float[size * d];
    for (int i = 0; i < size; i++) {
      long image = first + i;
      Dequantisation.apply(images.pixels(), (int) image * d, values, i * d, d, Seeds.random(seed, Seeds.TEST_IMAGE, image));
    }
    return new Batch(values, size, images.shape());
  }
}
