package org.attnflow.api.data;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.attnflow.api.ImageShape;

/**
 * The data a training run sees: training batches (seeded shuffle, augmentation, fresh
 * dequantisation or noise each time) and test batches (fixed order, one draw), both under the same
 * noise ({@link #noise()}).
 *
 * <p>A test subset ({@code limit} below the test set's size) is a uniform sample without
 * replacement: the first {@code limit} images of one random permutation of the test set drawn
 * from the seed {@value #TEST_SUBSET_SEED}, whatever the run's seed, served in file order. Every
 * model and run with the same test set so sees the same images, and a smaller subset lies inside
 * a larger one.
 */
public interface DataPipeline {
  /** The seed of the permutation that test subsets are drawn from: fixed, so comparisons stay paired. */
  long TEST_SUBSET_SEED = 0;

  /**
   * How {@code images} of a test set of {@code testSize} were chosen, for outputs: "10,000 test
   * images" for all of them, "1,000 of 10,000 test images, uniform sample seed 0" for a subset.
   */
  static String describeTestImages(int images, int testSize) {
    return images >= testSize
        ? String.format(Locale.ROOT, "%,d test images", images)
        : String.format(Locale.ROOT, "%,d of %,d test images, uniform sample seed %d", images, testSize, TEST_SUBSET_SEED);
  }

  /** The per-image shape after preprocessing (for example padding). */
  ImageShape shape();

  /**
   * The names of the classes, in label order, when the batches carry labels: both splits of the
   * dataset are labelled with the same classes. Empty for unlabelled data.
   */
  default Optional<List<String>> classNames() {
    return Optional.empty();
  }

  /** Where the data comes from (the training split's file or folder), for messages. */
  default String source() {
    return "the data pipeline";
  }

  /**
   * How pixels become values, for outputs: "uniform dequantisation" (the default) or, for example,
   * "Gaussian noise σ = 0.05".
   */
  default String noise() {
    return "uniform dequantisation";
  }

  /**
   * Whether the values are uniformly dequantised pixels, the only case in which bits/dim bounds
   * the 8-bit images' likelihood and compares with other models' bits/dim.
   */
  default boolean dequantised() {
    return true;
  }

  /** The number of test images. */
  int testSize();

  /**
   * An endless stream of training batches. The stream is a pure function of {@code seed} and the
   * batch index, so starting at {@code firstBatch} continues a stopped run exactly.
   */
  BatchStream train(int batchSize, long seed, long firstBatch);

  /**
   * One pass over the test set, or over a uniform sample of {@code limit} of its images (all when
   * limit ≤ 0 or at least the test set's size), in file order.
   */
  BatchStream test(int batchSize, long seed, int limit);
}
