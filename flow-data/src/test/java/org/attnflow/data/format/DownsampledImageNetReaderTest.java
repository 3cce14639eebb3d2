package org.attnflow.data.format;

import static org.attnflow.data.TestFiles.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.data.TestFiles;
import org.attnflow.testkit.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The downsampled-ImageNet batches: two training batches and a validation batch at 32×32 and
 * 64×64, stored and deflated, read in order with zero-based labels; truncated, mistyped, misshapen
 * and mislabelled batches fail with the file and the entry, and batches beyond the heap before
 * they are read.
 */
class DownsampledImageNetReaderTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"32, false", "32, true", "64, false", "64, true"})
  void twoBatchesAreReadInOrderWithZeroBasedLabels(int size, boolean compressed) {
    DatasetFixtures.downsampledImageNet(dir, size, new int[] {3, 2}, 4, compressed);

    DatasetSplits splits = open(size, "[\"train_data_batch_1.npz\", \"train_data_batch_2.npz\"]");

    assertEquals(new ImageShape(3, size, size), splits.train().shape());
    assertEquals(5, splits.train().size());
    assertEquals(4, splits.test().size());
    assertImage(splits.train(), 4, 4); // the second image of the second batch
    assertImage(splits.test(), 3, 3);
    Labels labels = splits.train().labels().orElseThrow();
    assertArrayEquals(new int[] {0, 1, 2, 0, 1}, labels.values());
    assertEquals(1000, labels.classes());
    assertArrayEquals(new int[] {0, 1, 2, 0}, splits.test().labels().orElseThrow().values());
  }

  @Test
  void aBatchThatNumpySavezCompressedWroteIsRead() {
    // scripts/make-imagenet-fixture.py: labels saved from a Python list (int64), a mean entry
    Path fixtures = Path.of("src/test/resources/imagenet8").toAbsolutePath();
    DatasetSplits splits = TestFiles.openDataset("type = downsampled-imagenet, dir = " + quote(fixtures)
        + ", size = 8, train = [val_data.npz], test = val_data.npz");

    assertEquals(new ImageShape(3, 8, 8), splits.test().shape());
    assertArrayEquals(new int[] {0, 999, 499}, splits.test().labels().orElseThrow().values());
    assertImage(splits.test(), 2, 2);
  }

  @Test
  void theDefaultsNameAllTenTrainingBatchesAndTheValidationBatch() {
    DatasetFixtures.downsampledImageNet(dir, 32, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 2}, 2, true);

    DatasetSplits splits = TestFiles.openDataset("type = downsampled-imagenet, dir = " + quote(dir));

    assertEquals(11, splits.train().size());
    assertTrue(splits.train().source().endsWith("{train_data_batch_1.npz,train_data_batch_2.npz,train_data_batch_3.npz,"
        + "train_data_batch_4.npz,train_data_batch_5.npz,train_data_batch_6.npz,train_data_batch_7.npz,"
        + "train_data_batch_8.npz,train_data_batch_9.npz,train_data_batch_10.npz}"), splits.train().source());
    assertImage(splits.train(), 10, 10);
  }

  @Test
  void aTruncatedArrayNamesTheFileTheEntryAndTheRow() {
    Map<String, byte[]> entries = DatasetFixtures.batch(32, 0, 3);
    byte[] data = entries.get("data");
    entries.put("data", java.util.Arrays.copyOf(data, data.length - 3072 - 10));
    Path file = DatasetFixtures.npz(dir.resolve("train_data_batch_1.npz"), entries, true);
    writeValidation();

    assertFails("data.npy: truncated: expected 9216 bytes of values for shape (3, 3072), found 6134, ending in row 1 of 3", file);
  }

  @Test
  void aTruncatedFileIsNotAReadableArchive() {
    Path file = DatasetFixtures.npz(dir.resolve("train_data_batch_1.npz"), DatasetFixtures.batch(32, 0, 3), false);
    DatasetFixtures.truncate(file, 5000);
    writeValidation();

    assertFails("not a readable .npz (zip) archive", file);
  }

  @Test
  void pixelsOfAnotherTypeAreRefused() {
    Map<String, byte[]> entries = DatasetFixtures.batch(32, 0, 1);
    entries.put("data", DatasetFixtures.npy("<f4", new int[] {1, 3072}, new byte[3072 * 4]));
    Path file = DatasetFixtures.npz(dir.resolve("train_data_batch_1.npz"), entries, true);
    writeValidation();

    assertFails("data.npy: expected pixels as unsigned bytes (|u1), found <f4", file);
  }

  @Test
  void rowsOfAnotherSizeNameTheSizeTheyFit() {
    DatasetFixtures.npz(dir.resolve("train_data_batch_1.npz"), DatasetFixtures.batch(64, 0, 1), true);
    Path file = DatasetFixtures.npz(dir.resolve("val_data.npz"), DatasetFixtures.batch(64, 0, 1), true);
    DatasetFixtures.npz(dir.resolve("train_data_batch_1.npz"), DatasetFixtures.batch(32, 0, 1), true);

    assertFails("data.npy: expected rows of 3·32·32 = 3072 pixels (size = 32), found rows of 12288 (3·64·64: set size = 64)", file);
  }

  @Test
  void labelsOutsideOneToAThousandNameTheEntry() {
    Map<String, byte[]> entries = DatasetFixtures.batch(32, 0, 3);
    entries.put("labels", int64(5, 1000, 0));
    Path file = DatasetFixtures.npz(dir.resolve("train_data_batch_1.npz"), entries, true);
    writeValidation();

    assertFails("labels.npy: entry 2 (image 2 of the batch): expected a label 1..1000, found 0", file);
  }

  @Test
  void aLabelCountOtherThanTheImageCountIsRefused() {
    Map<String, byte[]> entries = DatasetFixtures.batch(32, 0, 3);
    entries.put("labels", int64(5, 6));
    Path file = DatasetFixtures.npz(dir.resolve("train_data_batch_1.npz"), entries, false);
    writeValidation();

    assertFails("labels.npy: expected 3 labels, one per row of data.npy, found the shape (2,)", file);
  }

  @Test
  void batchesBeyondTheHeapAreRefusedWithTheBytesNeededBeforeAnyPixelIsRead() {
    // batches whose headers claim 650,000 rows each (2.0 GB apiece, just below one array) and hold
    // no pixels, enough of them to exceed this JVM's maximum heap
    long rows = 650_000;
    int batches = (int) Math.max(2, Runtime.getRuntime().maxMemory() / (rows * 3072) + 1);
    StringBuilder train = new StringBuilder("[");
    for (int b = 1; b <= batches; b++) {
      Map<String, byte[]> entries = DatasetFixtures.batch(32, 0, 1);
      entries.put("data", DatasetFixtures.npy("|u1", new int[] {(int) rows, 3072}, new byte[0]));
      DatasetFixtures.npz(dir.resolve("train_data_batch_" + b + ".npz"), entries, true);
      train.append(b == 1 ? "" : ", ").append("\"train_data_batch_").append(b).append(".npz\"");
    }
    writeValidation();

    FlowException e = assertThrows(FlowException.class, () -> open(32, train.append("]").toString()));

    String message = e.getMessage();
    assertTrue(message.startsWith(dir.resolve("{train_data_batch_1.npz,").toString()), message);
    assertTrue(message.contains(": " + batches * rows + " images of 3×32×32 need " + batches * rows * 3072 + " bytes ("), message);
    assertTrue(message.contains("more than the "), message);
    assertTrue(message.matches(".*raise the maximum \\(ATTNFLOW_JAVA_OPTS=-Xmx\\d+g, docs/datasets.md\\) or list fewer batches in train"),
        message);
    assertTrue(!message.contains("\n"), message);
  }

  @Test
  void aMissingBatchIsAConfigurationErrorAtTheKey() {
    writeValidation();

    ConfigError e = assertThrows(ConfigError.class, () -> open(32, "[\"train_data_batch_7.npz\"]"));

    assertTrue(e.getMessage().contains("train: expected the batch train_data_batch_7.npz in " + dir), e.getMessage());
  }

  private void writeValidation() {
    DatasetFixtures.npz(dir.resolve("val_data.npz"), DatasetFixtures.batch(32, 0, 2), true);
  }

  private DatasetSplits open(int size, String train) {
    return TestFiles.openDataset("type = downsampled-imagenet, dir = " + quote(dir) + ", size = " + size + ", train = " + train);
  }

  private void assertFails(String part, Path file) {
    FlowException e = assertThrows(FlowException.class, () -> open(32, "[\"train_data_batch_1.npz\"]"));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  private static void assertImage(ImageDataset dataset, int index, int fixtureImage) {
    byte[] image = new byte[dataset.shape().size()];
    dataset.copyPixels(index, image, 0);
    for (int p = 0; p < image.length; p++) {
      assertEquals(DatasetFixtures.pixel(fixtureImage, p), image[p] & 0xFF, "pixel " + p);
    }
  }

  private static byte[] int64(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return DatasetFixtures.npy("<i8", new int[] {values.length}, b.array());
  }
}
