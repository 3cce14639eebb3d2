package org.attnflow.testkit;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Small dataset files in the formats they are distributed in, for the tests of dataset readers:
 * downsampled-ImageNet {@code .npz} batches (stored or deflated, as {@code numpy.savez} and
 * {@code numpy.savez_compressed} write them) and a CelebA-like folder of PNG faces. Pixel values
 * and labels follow {@link #pixel} and {@link #label}, so a test can check what it reads.
 */
public final class DatasetFixtures {
  private DatasetFixtures() {}

  /** Pixel {@code p} (in C, H, W order) of image {@code image}, counted over the whole split. */
  public static int pixel(int image, int p) {
    return (image * 7 + p * 3) & 0xFF;
  }

  /** The label, 1 to 1000 as the files number classes, of image {@code image} of a split: 1, 2, 3, 1, 2, 3, …. */
  public static int label(int image) {
    return 1 + image % 3;
  }

  /**
   * Writes downsampled-ImageNet batches of {@code size}×{@code size} images into {@code dir}:
   * {@code train_data_batch_1.npz} … with {@code trainCounts[i]} images each (a {@code mean} entry
   * beside {@code data} and {@code labels}, as in the real training batches) and
   * {@code val_data.npz} with {@code testCount}. Labels are int64, as NumPy saves a list of ints.
   */
  public static Path downsampledImageNet(Path dir, int size, int[] trainCounts, int testCount, boolean compressed) {
    int first = 0;
    for (int b = 0; b < trainCounts.length; b++) {
      Map<String, byte[]> entries = batch(size, first, trainCounts[b]);
      entries.put("mean", npy("<f8", new int[] {3 * size * size}, new byte[3 * size * size * 8]));
      npz(dir.resolve("train_data_batch_" + (b + 1) + ".npz"), entries, compressed);
      first += trainCounts[b];
    }
    npz(dir.resolve("val_data.npz"), batch(size, 0, testCount), compressed);
    return dir;
  }

  /** The {@code data} and {@code labels} entries of images {@code first} to {@code first + count − 1}. */
  public static Map<String, byte[]> batch(int size, int first, int count) {
    int row = 3 * size * size;
    byte[] pixels = new byte[count * row];
    ByteBuffer labels = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      for (int p = 0; p < row; p++) {
        pixels[i * row + p] = (byte) pixel(first + i, p);
      }
      labels.putLong(label(first + i));
    }
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("data", npy("|u1", new int[] {count, row}, pixels));
    entries.put("labels", npy("<i8", new int[] {count}, labels.array()));
    return entries;
  }

  /** A version 1.0 {@code .npy} entry: {@code values} as they are, under a header of {@code descr} and {@code shape}. */
  public static byte[] npy(String descr, int[] shape, byte[] values) {
    String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
        : Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
    return b.put(header.getBytes(StandardCharsets.US_ASCII)).put(values).array();
  }

  /** Writes {@code entries} ({@code .npy} contents by array name) as the archive {@code file}, deflated or stored. */
  public static Path npz(Path file, Map<String, byte[]> entries, boolean compressed) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream raw = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(raw)) {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
          if (!compressed) {
            CRC32 crc = new CRC32();
            crc.update(e.getValue());
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(e.getValue().length);
            entry.setCrc(crc.getValue());
          }
          zip.putNextEntry(entry);
          zip.write(e.getValue());
          zip.closeEntry();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Writes {@code count} PNG images of {@code width}×{@code height} into {@code folder}, named
   * {@code 000001.png} … as CelebA's are: a bright oval (a "face") on a dark background whose
   * shade changes from image to image, with a one-pixel red border that a centre crop removes.
   */
  public static Path faces(Path folder, int count, int width, int height) {
    try {
      Files.createDirectories(folder);
      for (int n = 0; n < count; n++) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            double dx = (x - width / 2.0) / (width / 3.0);
            double dy = (y - height / 2.0) / (height / 3.0);
            boolean border = x == 0 || y == 0 || x == width - 1 || y == height - 1;
            int shade = dx * dx + dy * dy < 1 ? 200 : 20 + 10 * (n % 5);
            image.setRGB(x, y, border ? 0xFF0000 : shade << 16 | shade << 8 | shade);
          }
        }
        ImageIO.write(image, "png", folder.resolve(String.format("%06d.png", n + 1)).toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return folder;
  }

  /** The bytes of {@code file} cut to its first {@code length} bytes, for truncated-file checks. */
  public static Path truncate(Path file, int length) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Files.write(file, Arrays.copyOf(bytes, length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
