package org.attnflow.data.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.memory.ChunkedPixels;

/**
 * Reads CIFAR-10 binary batches: records of one label byte (0..9) followed by 3×32×32 pixels in
 * C, H, W order. The labels are kept, with the class names the caller gives.
 */
final class Cifar10Reader {
  private static final ImageShape SHAPE = new ImageShape(3, 32, 32);
  private static final int RECORD = 1 + SHAPE.size();

  private Cifar10Reader() {}

  /**
   * Decodes the records of {@code files}, in order, into one labelled dataset named {@code source},
   * in chunks of at most {@code chunkBytes}.
   */
  static ImageDataset read(String source, List<Path> files, List<String> classNames, int chunkBytes) {
    long[] counts = new long[files.size()];
    long records = 0;
    for (int f = 0; f < files.size(); f++) {
      counts[f] = recordsIn(files.get(f));
      records += counts[f];
    }
    ChunkedPixels pixels = ChunkedPixels.allocate(source, records, SHAPE, chunkBytes, "");
    int[] labels = new int[Math.toIntExact(records)];
    byte[] record = new byte[RECORD];
    int image = 0;
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      try (TrackedInput in = TrackedInput.open(file)) {
        for (long r = 0; r < counts[f]; r++, image++) {
          long offset = in.position();
          in.readFully(record, 0, RECORD, "a record (1 label byte and 3×32×32 pixels)");
          labels[image] = record[0] & 0xFF;
          if (labels[image] >= classNames.size()) {
            throw new DataFormatException(file, in.at(offset) + ": expected the label (0.." + (classNames.size() - 1)
                + ") of record " + r + ", found " + labels[image]);
          }
          System.arraycopy(record, 1, pixels.array(image), pixels.offset(image), SHAPE.size());
        }
      }
    }
    return new InMemoryImages(source, pixels).withLabels(new Labels(labels, classNames));
  }

  private static long recordsIn(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read the file size: " + e, e);
    }
    if (size == 0) {
      throw new DataFormatException(file, "the file is empty; expected records of " + RECORD + " bytes");
    }
    long complete = size / RECORD;
    if (size % RECORD != 0) {
      throw new DataFormatException(file, "incomplete record " + complete + " at byte offset "
          + complete * RECORD + ": expected " + RECORD + " bytes (1 label byte and 3×32×32 pixels), found "
          + size % RECORD + "; the file size " + size + " is not a multiple of " + RECORD);
    }
    return complete;
  }
}
