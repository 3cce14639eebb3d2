package org.attnflow.data.format;

import java.util.Optional;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.data.memory.ChunkedPixels;
import org.attnflow.data.memory.HeldImages;

/** Decoded images of one shape held in memory in chunks of whole images, with their labels when known. */
final class InMemoryImages implements ImageDataset, HeldImages {
  private final String source;
  private final ChunkedPixels pixels;
  private final Optional<Labels> labels;

  /** Wraps {@code pixels}; {@code source} names them in messages. */
  InMemoryImages(String source, ChunkedPixels pixels) {
    this(source, pixels, Optional.empty());
  }

  private InMemoryImages(String source, ChunkedPixels pixels, Optional<Labels> labels) {
    this.source = source;
    this.pixels = pixels;
    this.labels = labels;
  }

  /** These images with {@code labels}, one per image. */
  InMemoryImages withLabels(Labels labels) {
    return new InMemoryImages(source, pixels, Optional.of(labels));
  }

  /**
   * These images, with their labels, each placed in the centre of a {@code height}×{@code width}
   * image of zeros (an odd margin puts the extra row and column at the bottom and right) and its
   * channels repeated {@code repeat} times (1 keeps them): 1×28×28 MNIST as mAR-SCF pads it is
   * {@code centred(32, 32, 3)}, 3×32×32. The new pixels come in chunks of at most {@code chunkBytes}.
   */
  InMemoryImages centred(int height, int width, int repeat, int chunkBytes) {
    ImageShape shape = pixels.shape();
    ImageShape out = new ImageShape(shape.channels() * repeat, height, width);
    int top = (height - shape.height()) / 2;
    int left = (width - shape.width()) / 2;
    ChunkedPixels target = ChunkedPixels.allocate(source, size(), out, chunkBytes, "");
    for (int i = 0; i < size(); i++) {
      for (int c = 0; c < out.channels(); c++) {
        for (int y = 0; y < shape.height(); y++) {
          int from = pixels.offset(i) + ((c % shape.channels()) * shape.height() + y) * shape.width();
          int to = target.offset(i) + (c * height + top + y) * width + left;
          System.arraycopy(pixels.array(i), from, target.array(i), to, shape.width());
        }
      }
    }
    return new InMemoryImages(source, target, labels);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public ImageShape shape() {
    return pixels.shape();
  }

  @Override
  public int size() {
    return pixels.count();
  }

  @Override
  public void copyPixels(int index, byte[] target, int offset) {
    pixels.copy(index, target, offset);
  }

  @Override
  public Optional<Labels> labels() {
    return labels;
  }

  @Override
  public ChunkedPixels pixels() {
    return pixels;
  }
}
