package org.attnflow.data.format;

import java.nio.file.Path;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.data.DataFormatException;

/**
 * Reads an IDX image file (MNIST, Fashion-MNIST): magic 0x00000803 (unsigned bytes, three
 * dimensions), then the image count, rows and columns as big-endian integers, then the pixels.
 * The file may be gzip-compressed.
 */
final class IdxReader {
  private static final int IMAGES_MAGIC = 0x00000803;

  private IdxReader() {}

  /** Decodes every image of {@code file} into memory as 1×rows×columns images. */
  static ImageDataset read(Path file) {
    try (TrackedInput in = TrackedInput.open(file)) {
      int magic = in.readInt("the magic number");
      if (magic != IMAGES_MAGIC) {
        throw new DataFormatException(file, String.format(
            "%s: expected the magic number 0x%08x (IDX images: unsigned bytes, 3 dimensions), found 0x%08x",
            in.at(0), IMAGES_MAGIC, magic));
      }
      int count = positive(in, file, "the image count");
      int rows = positive(in, file, "the number of rows");
      int columns = positive(in, file, "the number of columns");
      ImageShape shape = new ImageShape(1, rows, columns);
      byte[] pixels = InMemoryImages.allocate(file, count, shape);
      in.readFully(pixels, 0, pixels.length, "pixels (" + count + " images of " + rows + "×" + columns + ")");
      if (!in.atEnd()) {
        throw new DataFormatException(file, in.at(in.position())
            + ": expected the end of the file after " + count + " images, found more data");
      }
      return new InMemoryImages(file.toString(), shape, pixels);
    }
  }

  private static int positive(TrackedInput in, Path file, String what) {
    long offset = in.position();
    int value = in.readInt(what);
    if (value <= 0) {
      throw new DataFormatException(file, in.at(offset) + ": expected " + what + " to be positive, found " + value);
    }
    return value;
  }
}
