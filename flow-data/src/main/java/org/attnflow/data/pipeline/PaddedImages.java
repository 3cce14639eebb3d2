package org.attnflow.data.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;

/** The images of a dataset copied once into one array, zero-padded on every side. */
public final class PaddedImages {
  private final ImageShape shape;
  private final int count;
  private final byte[] pixels;

  private PaddedImages(ImageShape shape, int count, byte[] pixels) {
    this.shape = shape;
    this.count = count;
    this.pixels = pixels;
  }

  /** The first {@code limit} images of {@code dataset} (all when limit ≤ 0) padded by {@code pad} pixels. */
  public static PaddedImages of(ImageDataset dataset, int pad, int limit) {
    ImageShape in = dataset.shape();
    ImageShape out = new ImageShape(in.channels(), in.height() + 2 * pad, in.width() + 2 * pad);
    int count = limit > 0 ? Math.min(limit, dataset.size()) : dataset.size();
    if (count == 0) {
      throw new FlowException(dataset.source() + ": expected images, found none");
    }
    long bytes = (long) count * out.size();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new FlowException(dataset.source() + ": " + count + " images of " + out
          + " need " + bytes + " bytes, more than one Java array holds; set data.train-limit");
    }
    byte[] pixels = new byte[(int) bytes];
    byte[] image = new byte[in.size()];
    for (int i = 0; i < count; i++) {
      if (pad == 0) {
        dataset.copyPixels(i, pixels, i * out.size());
        continue;
      }
      dataset.copyPixels(i, image, 0);
      for (int row = 0; row < in.channels() * in.height(); row++) {
        int c = row / in.height();
        int y = row % in.height();
        int to = i * out.size() + (c * out.height() + y + pad) * out.width() + pad;
        System.arraycopy(image, row * in.width(), pixels, to, in.width());
      }
    }
    return new PaddedImages(out, count, pixels);
  }

  /** The padded per-image shape. */
  public ImageShape shape() {
    return shape;
  }

  /** The number of images. */
  public int count() {
    return count;
  }

  /** Copies images {@code first} to {@code first + count − 1} into {@code target}, image after image. */
  public void copy(int first, int count, byte[] target) {
    System.arraycopy(pixels, first * shape.size(), target, 0, count * shape.size());
  }

  /** The SHA-256 checksum, in hex, of the shape and every pixel: equal images give equal checksums. */
  public String sha256() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(shape.toString().getBytes(StandardCharsets.UTF_8));
      digest.update(pixels);
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** All pixels, image after image, each {@code shape().size()} bytes. */
  byte[] pixels() {
    return pixels;
  }
}
