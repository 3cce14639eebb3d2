package org.attnflow.api.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Optional;
import org.attnflow.api.ImageShape;

/**
 * A batch of dequantised images ready for the engine: values in [−0.5, 0.5), in N, C, H, W order,
 * with the class of each image when the data is labelled.
 *
 * @param values the pixel values, {@code size · shape.size()} of them
 * @param size the number of images (the last test batch may be smaller)
 * @param shape the per-image shape
 * @param labels the class of each image, {@code size} of them, or null when the data has no labels
 */
public record Batch(float[] values, int size, ImageShape shape, int[] labels) {

  /** Checks that there is one label per image, when there are labels. */
  public Batch {
    if (labels != null && labels.length != size) {
      throw new IllegalArgumentException("a batch of " + size + " images needs as many labels, found " + labels.length);
    }
  }

  /** A batch of unlabelled images. */
  public Batch(float[] values, int size, ImageShape shape) {
    this(values, size, shape, null);
  }

  /** The class of each image, empty when the data has no labels. */
  public Optional<int[]> classes() {
    return Optional.ofNullable(labels);
  }

  /** The batch as an engine array of shape (size, C, H, W) in {@code manager}. */
  public NDArray toArray(NDManager manager) {
    return manager.create(values, shape.batched(size));
  }
}
