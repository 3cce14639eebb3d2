package org.attnflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.ImageDataset;
import org.junit.jupiter.api.Test;

/** The Fashion-MNIST subset shipped in {@code data/fashion-mnist-mini} (Surefire runs in the module folder). */
class EmbeddedSubsetTest {
  private static final Path SUBSET = Path.of("..", "data", "fashion-mnist-mini").toAbsolutePath().normalize();
  private static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

  @Test
  void opensWithSixThousandTrainingAndOneThousandTestImages() throws IOException {
    DatasetSplits splits = open();

    assertEquals(6000, splits.train().size());
    assertEquals(1000, splits.test().size());
    assertEquals(new ImageShape(1, 28, 28), splits.train().shape());
    assertEquals(new ImageShape(1, 28, 28), splits.test().shape());
    assertTrue(Files.readString(SUBSET.resolve("LICENSE")).contains("Copyright © 2017 Zalando SE"));
  }

  @Test
  void holdsTheFirstImagesOfTheFullDataset() throws IOException {
    assumeTrue(Files.isDirectory(DEBIAN), "the Debian package dataset-fashion-mnist is not installed");
    DatasetSplits splits = open();

    assertArrayEquals(firstImages(DEBIAN.resolve("train-images-idx3-ubyte.gz"), 6000), all(splits.train()));
    assertArrayEquals(firstImages(DEBIAN.resolve("t10k-images-idx3-ubyte.gz"), 1000), all(splits.test()));
  }

  private static DatasetSplits open() {
    assertTrue(Files.isDirectory(SUBSET), "missing " + SUBSET);
    return TestFiles.openDataset("type = idx, train = " + TestFiles.quote(SUBSET.resolve("train-images-idx3-ubyte.gz"))
        + ", test = " + TestFiles.quote(SUBSET.resolve("t10k-images-idx3-ubyte.gz")));
  }

  private static byte[] all(ImageDataset images) {
    byte[] pixels = new byte[images.size() * images.shape().size()];
    for (int i = 0; i < images.size(); i++) {
      images.copyPixels(i, pixels, i * images.shape().size());
    }
    return pixels;
  }

  private static byte[] firstImages(Path file, int count) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      in.skipNBytes(16);
      return in.readNBytes(count * 784);
    }
  }
}
