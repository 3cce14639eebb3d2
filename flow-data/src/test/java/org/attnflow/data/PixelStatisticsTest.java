package org.attnflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channel means and deviations, the values that occur, and the histogram's entropy and cross-entropy in bits. */
class PixelStatisticsTest {
  @TempDir Path tmp;

  @Test
  void fourEquallyFrequentValuesHoldTwoBitsAndTheirChannelsAreSeparate() {
    // two 3×2×2 images; channel 0 holds 0 and 10, channel 1 holds 20 and 30, channel 2 one value 40
    byte[] pixels = {0, 10, 0, 10, 20, 30, 20, 30, 40, 40, 40, 40, 10, 0, 10, 0, 30, 20, 30, 20, 40, 40, 40, 40};
    PixelStatistics stats = PixelStatistics.of(images(pixels));

    assertEquals(5, stats.mean(0), 1e-12);
    assertEquals(5, stats.std(0), 1e-12);
    assertEquals(25, stats.mean(1), 1e-12);
    assertEquals(40, stats.mean(2), 1e-12);
    assertEquals(0, stats.std(2), 1e-12);
    assertEquals(5, stats.distinctValues());
    assertEquals(Math.log(5) / Math.log(2), stats.uniformOverDistinctBitsPerDim(), 1e-12);
    // 8 of 24 pixels are 40, 4 each are 0, 10, 20, 30: H = (1/3)·log2 3 + 4·(1/6)·log2 6
    assertEquals(Math.log(3) / Math.log(2) / 3 + 4.0 / 6 * Math.log(6) / Math.log(2), stats.histogramEntropy(), 1e-12);
  }

  @Test
  void crossEntropyUsesTheHistogramWithOneAddedToEveryCount() {
    PixelStatistics zeros = PixelStatistics.of(images(new byte[24]));

    assertEquals(0, zeros.histogramEntropy(), 1e-12);
    // 24 zeros: p(0) = 25 / (24 + 256), p(1) = 1 / 280
    assertEquals(-Math.log(25.0 / 280) / Math.log(2), zeros.crossEntropyOf(zeros), 1e-12);
    PixelStatistics ones = PixelStatistics.of(images(ones()));
    assertEquals(-Math.log(1.0 / 280) / Math.log(2), zeros.crossEntropyOf(ones), 1e-12);
  }

  private static byte[] ones() {
    byte[] ones = new byte[24];
    java.util.Arrays.fill(ones, (byte) 1);
    return ones;
  }

  /** Two 3×2×2 images of {@code pixels}, read as a downsampled-ImageNet batch of size 2. */
  private DatasetImages images(byte[] pixels) {
    Map<String, byte[]> batch = new LinkedHashMap<>();
    batch.put("data", DatasetFixtures.npy("|u1", new int[] {2, 12}, pixels));
    batch.put("labels", DatasetFixtures.npy("|u1", new int[] {2}, new byte[] {1, 1}));
    Path file = DatasetFixtures.npz(tmp.resolve("batch.npz"), batch, false);
    return DatasetImages.open(TestFiles.dataBlock("data { pad = 0, dataset { type = downsampled-imagenet, dir = "
        + TestFiles.quote(tmp) + ", size = 2, train = [batch.npz], test = batch.npz } }"), Registry.builtIn(), "train");
  }
}
