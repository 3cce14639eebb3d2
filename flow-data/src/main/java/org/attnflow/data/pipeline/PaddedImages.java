package org.attnflow.data.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.data.memory.ChunkedPixels;
import org.attnflow.data.memory.HeldImages;

/**
 * The images of a dataset zero-padded on every side, held in memory: the dataset's own pixels when
 * it holds them and neither padding nor a limit changes them, else a copy made once; with the
 * labels of the images kept, when the dataset has them.
 */
public final class PaddedImages {
  private final ChunkedPixels pixels;
  private final Optional<Labels> labels;

  private PaddedImages(ChunkedPixels pixels, Optional<Labels> labels) {
    this.pixels = pixels;
    this.labels = labels;
  }

  /** The first {@code limit} images of {@code dataset} (all when limit ≤ 0) padded by {@code pad} pixels. */
  public static PaddedImages of(ImageDataset dataset, int pad, int limit) {
    return of(dataset, pad, limit, ChunkedPixels.CHUNK_BYTES);
  }

  /** As {@link #of(ImageDataset, int, int)}, a copy coming in chunks of at most {@code chunkBytes}. */
  static PaddedImages of(ImageDataset dataset, int pad, int limit, int chunkBytes) {
    ImageShape in = dataset.shape();
    ImageShape out = new ImageShape(in.channels(), in.height() + 2 * pad, in.width() + 2 * pad);
    int count = limit > 0 ? Math.min(limit, dataset.size()) : dataset.size();
    if (count == 0) {
      throw new FlowException(dataset.source() + ": expected images, found none");
    }
    Optional<Labels> labels = dataset.labels().map(all -> new Labels(Arrays.copyOf(all.values(), count), all.names()));
    if (pad == 0 && count == dataset.size() && dataset instanceof HeldImages held) {
      return new PaddedImages(held.pixels(), labels);
    }
    String remedy = pad > 0 ? "or set data.pad = 0 (no copy)" : count < dataset.size() ? "or set data.train-limit = 0 (no copy)" : "";
    ChunkedPixels pixels = ChunkedPixels.allocate(dataset.source(), count, out, chunkBytes, remedy);
    byte[] image = new byte[in.size()];
    for (int i = 0; i < count; i++) {
      dataset.copyPixels(i, image, 0);
      for (int row = 0; row < in.channels() * in.height(); row++) {
        int c = row / in.height();
        int y = row % in.height();
        int to = pixels.offset(i) + (c * out.height() + y + pad) * out.width() + pad;
        System.arraycopy(image, row * in.width(), pixels.array(i), to, in.width());
      }
    }
    return new PaddedImages(pixels, labels);
  }

  /** The padded per-image shape. */
  public ImageShape shape() {
    return pixels.shape();
  }

  /** The number of images. */
  public int count() {
    return pixels.count();
  }

  /** The same images without their labels. */
  PaddedImages unlabelled() {
    return new PaddedImages(pixels, Optional.empty());
  }

  /** The class of every image kept, when the dataset has labels. */
  public Optional<Labels> labels() {
    return labels;
  }

  /** Copies images {@code first} to {@code first + count − 1} into {@code target}, image after image. */
  public void copy(int first, int count, byte[] target) {
    pixels.copy(first, count, target, 0);
  }

  /** The SHA-256 checksum, in hex, of the shape and every pixel: equal images give equal checksums. */
  public String sha256() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(shape().toString().getBytes(StandardCharsets.UTF_8));
      for (byte[] chunk : pixels.chunks()) {
        digest.update(chunk);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** All pixels, image after image. */
  ChunkedPixels pixels() {
    return pixels;
  }
}
