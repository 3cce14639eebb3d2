package org.attnflow.data.format;

import java.nio.file.Path;
import java.util.Optional;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.data.DataFormatException;

/** Decoded images of one shape held in one array of N·C·H·W bytes, with their labels when known. */
final class InMemoryImages implements ImageDataset {
  private final String source;
  private final ImageShape shape;
  private final byte[] pixels;
  private final Optional<Labels> labels;

  /** Wraps {@code pixels}, image after image, each of {@code shape}; {@code source} names them in messages. */
  InMemoryImages(String source, ImageShape shape, byte[] pixels) {
    this(source, shape, pixels, Optional.empty());
  }

  private InMemoryImages(String source, ImageShape shape, byte[] pixels, Optional<Labels> labels) {
    this.source = source;
    this.shape = shape;
    this.pixels = pixels;
    this.labels = labels;
  }

  /** These images with {@code labels}, one per image. */
  InMemoryImages withLabels(Labels labels) {
    return new InMemoryImages(source, shape, pixels, Optional.of(labels));
  }

  /**
   * These images, with their labels, each placed in the centre of a {@code height}×{@code width}
   * image of zeros (an odd margin puts the extra row and column at the bottom and right) and its
   * channels repeated {@code repeat} times (1 keeps them): 1×28×28 MNIST as mAR-SCF pads it is
   * {@code centred(32, 32, 3)}, 3×32×32.
   */
  InMemoryImages centred(int height, int width, int repeat) {
    ImageShape out = new ImageShape(shape.channels() * repeat, height, width);
    int top = (height - shape.height()) / 2;
    int left = (width - shape.width()) / 2;
    byte[] target = allocate(Path.of(source), size(), out);
    for (int i = 0; i < size(); i++) {
      for (int c = 0; c < out.channels(); c++) {
        for (int y = 0; y < shape.height(); y++) {
          int from = i * shape.size() + ((c % shape.channels()) * shape.height() + y) * shape.width();
          int to = i * out.size() + (c * height + top + y) * width + left;
          System.arraycopy(pixels, from, target, to, shape.width());
        }
      }
    }
    return new InMemoryImages(source, out, target, labels);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public ImageShape shape() {
    return shape;
  }

  @Override
  public int size() {
    return pixels.length / shape.size();
  }

  @Override
  public void copyPixels(int index, byte[] target, int offset) {
    System.arraycopy(pixels, index * shape.size(), target, offset, shape.size());
  }

  @Override
  public Optional<Labels> labels() {
    return labels;
  }

  /** Allocates the pixel array of {@code count} images, failing clearly when it cannot be one array. */
  static byte[] allocate(Path source, long count, ImageShape shape) {
    long bytes = count * shape.size();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new DataFormatException(source, count + " images of " + shape
          + " need " + bytes + " bytes, more than one Java array holds");
    }
    return new byte[(int) bytes];
  }
}
