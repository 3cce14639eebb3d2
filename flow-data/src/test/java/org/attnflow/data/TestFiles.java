package org.attnflow.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PluginKind;

/** Writes small dataset files in their real formats and opens them the way a run does. */
public final class TestFiles {
  private TestFiles() {}

  /** An IDX image file: magic 0x00000803, count, rows, columns, then {@code pixels}. */
  public static byte[] idx(int count, int rows, int columns, byte[] pixels) {
    return ByteBuffer.allocate(16 + pixels.length)
        .putInt(0x00000803).putInt(count).putInt(rows).putInt(columns).put(pixels).array();
  }

  /** An IDX label file: magic 0x00000801, count, then the labels. */
  public static byte[] labels(int count, int... values) {
    ByteBuffer b = ByteBuffer.allocate(8 + values.length).putInt(0x00000801).putInt(count);
    for (int v : values) {
      b.put((byte) v);
    }
    return b.array();
  }

  /** {@code count} images of {@code size} pixels where pixel p of image i is {@code (i · 20 + p) mod 256}. */
  public static byte[] numbered(int count, int size) {
    byte[] pixels = new byte[count * size];
    for (int i = 0; i < count; i++) {
      for (int p = 0; p < size; p++) {
        pixels[i * size + p] = (byte) (i * 20 + p);
      }
    }
    return pixels;
  }

  /** {@code n} bytes from a seeded generator (they do not compress). */
  public static byte[] noise(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** The gzip compression of {@code bytes}. */
  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes {@code bytes} to {@code file}, creating its folders. */
  public static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A HOCON string literal holding {@code path}. */
  public static String quote(Path path) {
    return ConfigUtil.quoteString(path.toString());
  }

  /** The {@code data} block of a HOCON text that has no file. */
  public static Settings dataBlock(String hocon) {
    return resolved(ConfigFactory.parseString(hocon));
  }

  /** The data block of {@code config} over this module's reference, as a run's configuration resolves it. */
  public static Settings resolved(Config config) {
    return Settings.root(config.withFallback(ConfigFactory.defaultReference(TestFiles.class.getClassLoader())).resolve())
        .block("data");
  }

  /** Opens the dataset block {@code dataset { … }} through the plugin registry. */
  public static DatasetSplits openDataset(String datasetHocon) {
    Registry registry = Registry.builtIn();
    Settings dataset = dataBlock("data.dataset { " + datasetHocon + " }").block("dataset");
    return registry.create(PluginKind.DATASET, BuildContext.at(dataset, null, new Random(0), registry));
  }

  /** The pixel integer a dequantised value came from. */
  public static int pixel(float value) {
    return (int) ((value + 0.5f) * 256f);
  }
}
