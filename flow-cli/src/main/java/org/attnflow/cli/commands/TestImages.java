package org.attnflow.cli.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.apache.commons.cli.CommandLine;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.UsageException;

/**
 * Real test images as the commands on a trained run read them: from the run's test pipeline,
 * dequantised with the fixed noise of seed 0. That noise is drawn per image, so an image has the
 * same values whichever other images are read with it.
 */
final class TestImages {
  /** The seed of the test images' dequantisation noise. */
  private static final long NOISE_SEED = 0;
  /** The batch size when reading test images by index. */
  private static final int BATCH = 256;

  private TestImages() {}

  /**
   * Test images read for a command.
   *
   * @param images the images, shape (n, C, H, W)
   * @param labels the class of each image, or null when the data has no labels
   * @param description how they were chosen, for outputs
   */
  record Sample(NDArray images, int[] labels, String description) {}

  /** A uniform sample of {@code n} test images (seed {@value DataPipeline#TEST_SUBSET_SEED}), in file order. */
  static Sample sample(DataPipeline data, int n, NDManager manager) {
    try (BatchStream test = data.test(n, NOISE_SEED, n)) {
      Batch batch = test.next();
      return new Sample(batch.toArray(manager), batch.labels(), DataPipeline.describeTestImages(batch.size(), data.testSize()));
    }
  }

  /** The test images at {@code indices} (positions in the test file, each checked by {@link #index}), in that order. */
  static Sample at(DataPipeline data, NDManager manager, int... indices) {
    int d = data.shape().size();
    float[] values = new float[indices.length * d];
    int[] labels = new int[indices.length];
    boolean labelled = true;
    int last = Arrays.stream(indices).max().orElse(-1);
    try (BatchStream test = data.test(BATCH, NOISE_SEED, 0)) {
      for (int first = 0; first <= last; first += BATCH) {
        Batch batch = test.next();
        for (int k = 0; k < indices.length; k++) {
          if (indices[k] >= first && indices[k] < first + batch.size()) {
            System.arraycopy(batch.values(), (indices[k] - first) * d, values, k * d, d);
            labelled &= batch.labels() != null;
            labels[k] = batch.labels() == null ? 0 : batch.labels()[indices[k] - first];
          }
        }
      }
    }
    return new Sample(manager.create(values, data.shape().batched(indices.length)), labelled ? labels : null,
        "test images " + Arrays.toString(indices));
  }

  /** The test image index given with option {@code name} (required), refused unless it is one of the test set's. */
  static int index(CommandLine line, String name, DataPipeline data) {
    String range = "a test image index, 0.." + (data.testSize() - 1);
    if (!line.hasOption(name)) {
      throw new UsageException("--" + name + " is required: " + range);
    }
    int index = CommonOptions.integerAtLeast(line, name, 0, Integer.MIN_VALUE);
    if (index < 0 || index >= data.testSize()) {
      throw new UsageException("--" + name + " " + index + " is out of range: " + range + " (the test set has "
          + data.testSize() + " images)");
    }
    return index;
  }
}
