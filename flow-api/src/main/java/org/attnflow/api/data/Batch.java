package org.attnflow.api.data;

import org.attnflow.api.ImageShape;

/**
 * A batch of dequantised images ready for the engine: values in [−0.5, 0.5), in N, C, H, W order.
 *
 * @param values the pixel values, {@code size · shape.size()} of them
 * @param size the number of images (the last test batch may be smaller)
 * @param shape the per-image shape
 */
public record Batch(float[] values, int size, ImageShape shape) {}
