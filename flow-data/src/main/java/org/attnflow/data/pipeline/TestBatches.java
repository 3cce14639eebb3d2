package org.attnflow.data.pipeline;

import org.attnflow.api.data.Batch;

/**
 * One pass over chosen test images in the order given, the last batch possibly smaller. Image i
 * (its index in the file) is dequantised (or made noisy) with the random stream of (seed, i), so
 * its values depend neither on the batch size nor on which other images were chosen. Each batch
 * carries the labels of its images when they have labels.
 */
final class TestBatches implements BatchSource {
  private final PaddedImages images;
  private final int[] chosen;
  private final PixelNoise noise;
  private final int batchSize;
  private final long seed;

  /** Batches of {@code batchSize} over the images of {@code images} whose indices are {@code chosen}, {@code noise} drawn from {@code seed}. */
  TestBatches(PaddedImages images, int[] chosen, PixelNoise noise, int batchSize, long seed) {
    this.images = images;
    this.chosen = chosen;
    this.noise = noise;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  @Override
  public Batch produce(long index) {
    long first = index * batchSize;
    if (first >= chosen.length) {
      return null;
    }
    int size = (int) Math.min(batchSize, chosen.length - first);
    int d = images.shape().size();
    float[] values = new float[size * d];
    int[] labels = images.labels().map(all -> new int[size]).orElse(null);
    for (int i = 0; i < size; i++) {
      int image = chosen[(int) first + i];
      if (labels != null) {
        labels[i] = images.labels().get().values()[image];
      }
      noise.apply(images.pixels().array(image), images.pixels().offset(image), values, i * d, d,
          Seeds.random(seed, Seeds.TEST_IMAGE, image));
    }
    return new Batch(values, size, images.shape(), labels);
  }
}
