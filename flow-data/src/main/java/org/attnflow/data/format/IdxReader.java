package org.attnflow.data.format;

import java.nio.file.Path;
import org.attnflow.api.ImageShape;
import org.attnflow.api.ShapeException;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.memory.ChunkedPixels;

/**
 * Reads an IDX image file (MNIST, Fashion-MNIST): magic 0x00000803 (unsigned bytes, three
 * dimensions), then the image count, rows and columns as big-endian integers, then the pixels.
 * The file may be gzip-compressed.
 */
final class IdxReader {
  private static final int IMAGES_MAGIC = 0x00000803;

  private IdxReader() {}

  /** Decodes every image of {@code file} into memory as 1×rows×columns images, in chunks of at most {@code chunkBytes}. */
  static InMemoryImages read(Path file, int chunkBytes) {
    try (TrackedInput in = TrackedInput.open(file)) {
      int magic = in.readInt("the magic number");
      if (magic != IMAGES_MAGIC) {
        throw new DataFormatException(file, String.format(
            "%s: expected the magic number 0x%08x (IDX images: unsigned bytes, 3 dimensions), found 0x%08x",
            in.at(0), IMAGES_MAGIC, magic));
      }
      int count = dimension(in, file, "the image count");
      int rows = dimension(in, file, "the number of rows");
      int columns = dimension(in, file, "the number of columns");
      ImageShape shape = shape(in, file, rows, columns);
      String pixelsWhat = "pixels (" + count + " images of " + rows + "×" + columns + ")";
      in.requireAvailable((long) count * shape.size(), pixelsWhat);
      ChunkedPixels pixels = ChunkedPixels.allocate(file.toString(), count, shape, chunkBytes, "");
      for (byte[] chunk : pixels.chunks()) {
        in.readFully(chunk, 0, chunk.length, pixelsWhat);
      }
      if (!in.atEnd()) {
        throw new DataFormatException(file, in.at(in.position())
            + ": expected the end of the file after " + count + " images, found more data");
      }
      return new InMemoryImages(file.toString(), pixels);
    }
  }

  /** Reads one dimension of the header, an unsigned 32-bit integer that must be positive and fit an int. */
  static int dimension(TrackedInput in, Path file, String what) {
    long offset = in.position();
    long value = Integer.toUnsignedLong(in.readInt(what));
    if (value == 0) {
      throw new DataFormatException(file, in.at(offset) + ": expected " + what + " to be positive, found 0");
    }
    if (value > Integer.MAX_VALUE) {
      throw new DataFormatException(file, String.format("%s: expected %s to be at most %d, found %d (0x%08x): too large",
          in.at(offset), what, Integer.MAX_VALUE, value, value));
    }
    return (int) value;
  }

  private static ImageShape shape(TrackedInput in, Path file, int rows, int columns) {
    try {
      return new ImageShape(1, rows, columns);
    } catch (ShapeException e) {
      throw new DataFormatException(file, in.at(8) + ": the image size " + rows + "×" + columns + " (rows × columns): "
          + e.getMessage());
    }
  }
}
