package org.attnflow.data.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;

/**
 * The 8-bit pixels of N images of one shape held in memory, image after image, in chunks of whole
 * images of at most {@link #CHUNK_BYTES} each: a split may hold more images than one Java array
 * (2 GiB) does. Image i starts at {@code array(i)[offset(i)]}; read one after the other, the chunks
 * are every image in order, image i from byte i·{@code shape.size()}.
 */
public final class ChunkedPixels {
  /** The largest chunk, 1 GiB: far below a Java array's limit, and few chunks for a large split. */
  public static final int CHUNK_BYTES = 1 << 30;
  private static final double GIB = 1L << 30;
  private final ImageShape shape;
  private final int count;
  private final int imagesPerChunk;
  private final List<byte[]> chunks;

  private ChunkedPixels(ImageShape shape, int count, int imagesPerChunk, List<byte[]> chunks) {
    this.shape = shape;
    this.count = count;
    this.imagesPerChunk = imagesPerChunk;
    this.chunks = chunks;
  }

  /**
   * Zeroed pixels for {@code count} images of {@code shape}, in chunks of at most
   * {@code chunkBytes} ({@link #CHUNK_BYTES} but in tests). Refused, before anything is allocated,
   * when they need more than the Java heap has free: the one-line message starts with
   * {@code source} and ends with {@code remedy} (e.g. "or list fewer batches in train"), if any.
   */
  public static ChunkedPixels allocate(String source, long count, ImageShape shape, int chunkBytes, String remedy) {
    long bytes = count * shape.size();
    if (count > Integer.MAX_VALUE) {
      throw new FlowException(source + ": " + count + " images of " + shape + " are more than " + Integer.MAX_VALUE
          + ", the most a split holds" + (remedy.isEmpty() ? "" : "; " + remedy));
    }
    requireHeap(source, count, shape, bytes, remedy);
    int imagesPerChunk = Math.max(1, chunkBytes / shape.size());
    List<byte[]> chunks = new ArrayList<>();
    for (long first = 0; first < count; first += imagesPerChunk) {
      chunks.add(new byte[Math.toIntExact(Math.min(imagesPerChunk, count - first) * shape.size())]);
    }
    return new ChunkedPixels(shape, (int) count, imagesPerChunk, List.copyOf(chunks));
  }

  /** Fails when {@code bytes} exceed what the heap has left below its maximum (-Xmx), garbage collected. */
  private static void requireHeap(String source, long count, ImageShape shape, long bytes, String remedy) {
    Runtime runtime = Runtime.getRuntime();
    if (bytes > runtime.maxMemory() - used(runtime)) {
      System.gc(); // garbage counts as used until it is collected
    }
    long used = used(runtime);
    long free = runtime.maxMemory() - used;
    if (bytes > free) {
      long suggested = (long) Math.ceil((used + bytes) / GIB) + 1;
      throw new FlowException(String.format(Locale.ROOT,
          "%s: %d images of %s need %d bytes (%.1f GiB), more than the %.1f GiB the Java heap has free of its maximum %.1f GiB;"
              + " raise the maximum (ATTNFLOW_JAVA_OPTS=-Xmx%dg, docs/datasets.md)%s",
          source, count, shape, bytes, bytes / GIB, free / GIB, runtime.maxMemory() / GIB, suggested,
          remedy.isEmpty() ? "" : " " + remedy));
    }
  }

  private static long used(Runtime runtime) {
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** The per-image shape. */
  public ImageShape shape() {
    return shape;
  }

  /** The number of images. */
  public int count() {
    return count;
  }

  /** The array that holds image {@code index}, from {@link #offset}. */
  public byte[] array(int index) {
    return chunks.get(index / imagesPerChunk);
  }

  /** Where image {@code index} starts in {@link #array}. */
  public int offset(int index) {
    return index % imagesPerChunk * shape.size();
  }

  /** The chunks in order, each a whole number of images; together they are every pixel, image after image. */
  public List<byte[]> chunks() {
    return chunks;
  }

  /** Copies image {@code index} into {@code target} from {@code offset}. */
  public void copy(int index, byte[] target, int offset) {
    System.arraycopy(array(index), offset(index), target, offset, shape.size());
  }

  /** Copies images {@code first} to {@code first + n − 1} into {@code target} from {@code offset}, image after image. */
  public void copy(int first, int n, byte[] target, int offset) {
    for (int done = 0; done < n; ) {
      int index = first + done;
      int run = Math.min(n - done, imagesPerChunk - index % imagesPerChunk);
      System.arraycopy(array(index), offset(index), target, offset + done * shape.size(), run * shape.size());
      done += run;
    }
  }
}
