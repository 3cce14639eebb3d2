package org.attnflow.data.format;

import java.nio.file.Path;
import java.util.List;
import org.attnflow.api.data.Labels;
import org.attnflow.data.DataFormatException;

/**
 * Reads an IDX label file (MNIST, Fashion-MNIST): magic 0x00000801 (unsigned bytes, one
 * dimension), the label count as a big-endian integer, then one byte per image. The file may be
 * gzip-compressed. The count must match the images' and every label must be a class.
 */
final class IdxLabelReader {
  private static final int LABELS_MAGIC = 0x00000801;
  private static final long HEADER = 8;

  private IdxLabelReader() {}

  /** The labels of the {@code images} images of {@code imagesFile}, each one of the classes {@code classNames}. */
  static Labels read(Path file, int images, Path imagesFile, List<String> classNames) {
    int classes = classNames.size();
    try (TrackedInput in = TrackedInput.open(file)) {
      int magic = in.readInt("the magic number");
      if (magic != LABELS_MAGIC) {
        throw new DataFormatException(file, String.format(
            "%s: expected the magic number 0x%08x (IDX labels: unsigned bytes, 1 dimension), found 0x%08x",
            in.at(0), LABELS_MAGIC, magic));
      }
      int count = IdxReader.dimension(in, file, "the label count");
      if (count != images) {
        throw new DataFormatException(file, in.at(4) + ": expected " + images + " labels, one per image of " + imagesFile
            + ", found " + count);
      }
      in.requireAvailable(count, count + " labels");
      byte[] bytes = new byte[count];
      in.readFully(bytes, 0, count, count + " labels");
      if (!in.atEnd()) {
        throw new DataFormatException(file, in.at(in.position()) + ": expected the end of the file after " + count
            + " labels, found more data");
      }
      int[] values = new int[count];
      for (int i = 0; i < count; i++) {
        values[i] = bytes[i] & 0xFF;
        if (values[i] >= classes) {
          throw new DataFormatException(file, in.at(HEADER + i) + ": label " + values[i] + " of image " + i
              + " is not one of the " + classes + " classes 0.." + (classes - 1) + " (the dataset's classes key)");
        }
      }
      return new Labels(values, classNames);
    }
  }
}
