package org.attnflow.data.format;

import java.nio.file.Path;
import java.util.List;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.Labels;
import org.attnflow.api.io.Npz;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.memory.ChunkedPixels;

/**
 * Reads the {@code .npz} batches of downsampled ImageNet (Chrabaszcz, Loshchilov and Hutter 2017):
 * in each, {@code data} holds one row of 3·S·S unsigned bytes per image (the red plane, then green,
 * then blue, each row-major: C, H, W order) and {@code labels} one integer per image from 1 to
 * 1000; other entries (the training batches' {@code mean}) are ignored. The headers are read first,
 * so that the whole split's pixels are allocated once (or refused when the heap cannot hold them)
 * and every batch is decoded straight into its place in them, across chunks; labels are kept
 * zero-based.
 */
final class DownsampledImageNetReader {
  /** The number of ImageNet classes; the files number them 1 to 1000. */
  static final int CLASSES = 1000;
  private static final String DATA = "data";
  private static final String LABELS = "labels";
  private static final String DATA_ENTRY = DATA + ".npy";
  private static final String LABELS_ENTRY = LABELS + ".npy";

  private DownsampledImageNetReader() {}

  /**
   * Decodes the batches {@code files}, in order, as one labelled split of {@code size}×{@code size}
   * images named {@code source}, in chunks of at most {@code chunkBytes}.
   */
  static InMemoryImages read(String source, List<Path> files, int size, int chunkBytes) {
    ImageShape shape = new ImageShape(3, size, size);
    long images = 0;
    int[] counts = new int[files.size()];
    for (int f = 0; f < files.size(); f++) {
      try (Npz.Archive archive = Npz.open(files.get(f))) {
        counts[f] = rows(files.get(f), archive.header(DATA), shape);
        images += counts[f];
      }
    }
    ChunkedPixels pixels = ChunkedPixels.allocate(source, images, shape, chunkBytes, "or list fewer batches in train");
    int[] labels = new int[pixels.count()];
    int first = 0;
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      try (Npz.Archive archive = Npz.open(file)) {
        archive.readBytes(DATA, pixels.chunks(), (long) first * shape.size());
        copyLabels(file, archive.array(LABELS), counts[f], labels, first);
      }
      first += counts[f];
    }
    return new InMemoryImages(source, pixels).withLabels(new Labels(labels, Labels.numbered(CLASSES)));
  }

  /** The number of images of a batch whose {@code data} array has {@code header}, checked against the expected shape. */
  private static int rows(Path file, Npz.Header header, ImageShape shape) {
    int[] dims = header.shape();
    if (header.type() != Npz.Type.UINT8) {
      throw new DataFormatException(file, DATA_ENTRY + ": expected pixels as unsigned bytes (|u1), found " + header.descr());
    }
    if (dims.length != 2) {
      throw new DataFormatException(file, DATA_ENTRY + ": expected a 2-dimensional array (images, 3·S·S), found the shape "
          + header.shapeText());
    }
    if (dims[1] != shape.size()) {
      throw new DataFormatException(file, DATA_ENTRY + ": expected rows of 3·" + shape.height() + "·" + shape.width() + " = "
          + shape.size() + " pixels (size = " + shape.height() + "), found rows of " + dims[1] + sizeHint(dims[1]));
    }
    return dims[0];
  }

  /** "(3·64·64: set size = 64)" when {@code row} is a square RGB image of another size. */
  private static String sizeHint(int row) {
    int side = (int) Math.round(Math.sqrt(row / 3.0));
    return side > 0 && 3 * side * side == row ? " (3·" + side + "·" + side + ": set size = " + side + ")" : "";
  }

  private static void copyLabels(Path file, Npz.Array array, int count, int[] labels, int first) {
    if (array.type() == Npz.Type.FLOAT32 || array.type() == Npz.Type.FLOAT64) {
      throw new DataFormatException(file, LABELS_ENTRY + ": expected integer labels, found " + array.type());
    }
    if (array.shape().length != 1 || array.size() != count) {
      throw new DataFormatException(file, LABELS_ENTRY + ": expected " + count + " labels, one per row of " + DATA_ENTRY + ", found the shape "
          + array.shapeText());
    }
    long[] values = array.longs();
    for (int i = 0; i < count; i++) {
      if (values[i] < 1 || values[i] > CLASSES) {
        throw new DataFormatException(file, LABELS_ENTRY + ": entry " + i + " (image " + i + " of the batch): expected a label 1.." + CLASSES
            + ", found " + values[i]);
      }
      labels[first + i] = (int) values[i] - 1;
    }
  }
}
