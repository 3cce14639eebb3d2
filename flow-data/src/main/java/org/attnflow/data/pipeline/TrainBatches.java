package org.attnflow.data.pipeline;

import java.util.SplittableRandom;
import org.attnflow.api.data.Batch;

/**
 * Endless training batches: batch b holds positions [b·B, (b+1)·B) of the shuffled epoch
 * sequence, augmented and dequantised (or made noisy) with the random stream of (seed, b), with the
 * labels of its images when they have labels, so every batch is a pure function of the seed and
 * its index.
 */
final class TrainBatches implements BatchSource {
  private final PaddedImages images;
  private final Augmentation augmentation;
  private final PixelNoise noise;
  private final int batchSize;
  private final long seed;
  private final EpochOrder order;
  private final byte[] augmented;

  /** Batches of {@code batchSize} images of {@code images}, shuffled, augmented and made noisy from {@code seed}. */
  TrainBatches(PaddedImages images, Augmentation augmentation, PixelNoise noise, int batchSize, long seed) {
    this.images = images;
    this.augmentation = augmentation;
    this.noise = noise;
    this.batchSize = batchSize;
    this.seed = seed;
    this.order = new EpochOrder(images.count(), seed);
    this.augmented = new byte[images.shape().size()];
  }

  @Override
  public Batch produce(long index) {
    SplittableRandom random = Seeds.random(seed, Seeds.TRAIN_BATCH, index);
    int d = images.shape().size();
    float[] values = new float[batchSize * d];
    int[] labels = images.labels().map(all -> new int[batchSize]).orElse(null);
    for (int i = 0; i < batchSize; i++) {
      int image = order.imageAt(index * batchSize + i);
      if (labels != null) {
        labels[i] = images.labels().get().values()[image];
      }
      byte[] pixels = images.pixels().array(image);
      int offset = images.pixels().offset(image);
      if (augmentation.isIdentity()) {
        noise.apply(pixels, offset, values, i * d, d, random);
      } else {
        augmentation.apply(pixels, offset, augmented, 0, random);
        noise.apply(augmented, 0, values, i * d, d, random);
      }
    }
    return new Batch(values, batchSize, images.shape(), labels);
  }
}
