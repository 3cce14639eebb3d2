package org.attnflow.api.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.ImageShape;

/**
 * A batch of dequantised images ready for the engine: values in [−0.5, 0.5), in N, C, H, W order.
 *
 * @param values the pixel values, {@code size · shape.size()} of them
 * @param size the number of images (the last test batch may be smaller)
 * @param shape the per-image shape
 */
public record Batch(float[] values, int size, ImageShape shape) {

  /** The batch as an engine array of shape (size, C, H, W) in {@code manager}. */
  public NDArray toArray(NDManager manager) {
    return manager.create(values, shape.batched(size));
  }
}
