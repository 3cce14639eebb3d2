package org.attnflow.data.pipeline;

import java.util.List;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.data.Labels;

/**
 * A data pipeline over padded images held in memory, with batches prepared by a prefetching
 * worker. Its batches carry labels when both splits are labelled with the same classes.
 */
public final class InMemoryDataPipeline implements DataPipeline {
  private final String source;
  private final PaddedImages train;
  private final PaddedImages test;
  private final Augmentation augmentation;
  private final PixelNoise noise;
  private final int prefetch;

  /**
   * A pipeline over {@code train} and {@code test} (from {@code source}, for messages) whose pixels
   * become values through {@code noise}, in training and test batches alike, and that keeps up to
   * {@code prefetch} batches ready.
   */
  public InMemoryDataPipeline(String source, PaddedImages train, PaddedImages test, Augmentation augmentation, PixelNoise noise,
      int prefetch) {
    this.source = source;
    boolean labelled = train.labels().isPresent() && test.labels().isPresent()
        && train.labels().get().names().equals(test.labels().get().names());
    this.train = labelled ? train : train.unlabelled();
    this.test = labelled ? test : test.unlabelled();
    this.augmentation = augmentation;
    this.noise = noise;
    this.prefetch = prefetch;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public Optional<List<String>> classNames() {
    return train.labels().map(Labels::names);
  }

  @Override
  public ImageShape shape() {
    return train.shape();
  }

  @Override
  public int testSize() {
    return test.count();
  }

  @Override
  public String noise() {
    return noise.description();
  }

  @Override
  public boolean dequantised() {
    return noise.isDequantisation();
  }

  @Override
  public BatchStream train(int batchSize, long seed, long firstBatch) {
    requirePositive(batchSize);
    if (firstBatch < 0) {
      throw new FlowException("the first training batch must be 0 or more, found " + firstBatch);
    }
    return new PrefetchingStream(new TrainBatches(train, augmentation, noise, batchSize, seed), firstBatch, prefetch, "attnflow-train-batches");
  }

  @Override
  public BatchStream test(int batchSize, long seed, int limit) {
    requirePositive(batchSize);
    int[] chosen = TestSubset.of(test.count(), limit);
    return new PrefetchingStream(new TestBatches(test, chosen, noise, batchSize, seed), 0, prefetch, "attnflow-test-batches");
  }

  private static void requirePositive(int batchSize) {
    if (batchSize <= 0) {
      throw new FlowException("the batch size must be positive, found " + batchSize);
    }
  }
}
