package org.attnflow.api.data;

import org.attnflow.api.ImageShape;

/**
 * The data a training run sees: training batches (seeded shuffle, augmentation, fresh
 * dequantisation each time) and test batches (fixed order, one dequantisation draw).
 */
public interface DataPipeline {

  /** The per-image shape after preprocessing (for example padding). */
  ImageShape shape();

  /** The number of test images. */
  int testSize();

  /**
   * An endless stream of training batches. The stream is a pure function of {@code seed} and the
   * batch index, so starting at {@code firstBatch} continues a stopped run exactly.
   */
  BatchStream train(int batchSize, long seed, long firstBatch);

  /** One pass over the test set, at most {@code limit} images (all when limit ≤ 0). */
  BatchStream test(int batchSize, long seed, int limit);
}
