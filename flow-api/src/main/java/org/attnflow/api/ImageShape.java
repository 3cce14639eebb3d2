package org.attnflow.api;

import ai.djl.ndarray.types.Shape;

/**
 * The per-sample shape of a feature map, channels × height × width (the batch axis is not part
 * of it).
 *
 * @param channels number of channels
 * @param height number of rows
 * @param width number of columns
 */
public record ImageShape(int channels, int height, int width) {

  /** Validates that every dimension is positive and that a sample has at most {@link Integer#MAX_VALUE} values. */
  public ImageShape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new ShapeException("a shape needs positive dimensions, found " + channels + "×" + height + "×" + width);
    }
    long size = (long) channels * height * width;
    if (size > Integer.MAX_VALUE) {
      throw new ShapeException("a shape of " + channels + "×" + height + "×" + width + " has " + size
          + " values per sample, more than the " + Integer.MAX_VALUE + " one array holds (too large)");
    }
  }

  /** Number of scalars per sample. */
  public int size() {
    return channels * height * width;
  }

  /** Number of spatial positions per sample. */
  public int positions() {
    return height * width;
  }

  /** The DJL shape of a batch of this shape. */
  public Shape batched(long batch) {
    return new Shape(batch, channels, height, width);
  }

  /** Reads the per-sample shape of an NCHW array. */
  public static ImageShape of(Shape batchShape) {
    if (batchShape.dimension() != 4) {
      throw new ShapeException("expected a batch of images (N, C, H, W), found shape " + batchShape);
    }
    return new ImageShape((int) batchShape.get(1), (int) batchShape.get(2), (int) batchShape.get(3));
  }

  @Override
  public String toString() {
    return channels + "×" + height + "×" + width;
  }
}
