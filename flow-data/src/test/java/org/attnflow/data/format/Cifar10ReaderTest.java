package org.attnflow.data.format;

import static org.attnflow.data.TestFiles.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.Labels;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.TestFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
  private static final int RECORD = 3073;
  @TempDir Path dir;

  @BeforeEach
  void writeBatches() {
    for (int b = 1; b <= 5; b++) {
      TestFiles.write(dir.resolve("data_batch_" + b + ".bin"), records(2, b * 10));
    }
    TestFiles.write(dir.resolve("test_batch.bin"), records(3, 100));
  }

  @Test
  void readsTrainingBatchesInOrderAndTheTestBatch() {
    DatasetSplits splits = open();

    assertEquals(new ImageShape(3, 32, 32), splits.train().shape());
    assertEquals(10, splits.train().size());
    assertEquals(3, splits.test().size());
    byte[] image = new byte[3072];
    splits.train().copyPixels(5, image, 0); // data_batch_3.bin, record 1
    assertArrayEquals(Arrays.copyOfRange(records(2, 30), RECORD + 1, 2 * RECORD), image);
    splits.test().copyPixels(2, image, 0);
    assertArrayEquals(Arrays.copyOfRange(records(3, 100), 2 * RECORD + 1, 3 * RECORD), image);
  }

  @Test
  void labelsAreKeptWithCifarClassNames() {
    DatasetSplits splits = open();

    Labels train = splits.train().labels().orElseThrow();
    assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, train.values());
    assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"), train.names());
    assertArrayEquals(new int[] {0, 1, 2}, splits.test().labels().orElseThrow().values());
  }

  @Test
  void classNamesComeFromBatchesMetaWhenPresent() {
    TestFiles.write(dir.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n".getBytes(StandardCharsets.UTF_8));

    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), open().test().labels().orElseThrow().names());
  }

  @Test
  void batchesMetaWithTheWrongNumberOfNamesIsNamed() {
    Path meta = TestFiles.write(dir.resolve("batches.meta.txt"), "cat\ndog\n".getBytes(StandardCharsets.UTF_8));

    String message = assertThrows(DataFormatException.class, this::open).getMessage();

    assertTrue(message.startsWith(meta + ": expected 10 distinct class names, one per line, found 2 lines"), message);
  }

  @Test
  void sizeNotAMultipleOfTheRecordNamesFileAndOffset() {
    Path file = TestFiles.write(dir.resolve("data_batch_3.bin"), Arrays.copyOf(records(2, 30), 2 * RECORD + 100));

    String message = assertThrows(DataFormatException.class, this::open).getMessage();

    assertTrue(message.startsWith(file.toString()), message);
    assertTrue(message.contains("incomplete record 2 at byte offset 6146: expected 3073 bytes"), message);
    assertTrue(message.contains("found 100"), message);
  }

  @Test
  void labelOutOfRangeNamesRecordAndOffset() {
    byte[] bytes = records(2, 40);
    bytes[RECORD] = 12;
    Path file = TestFiles.write(dir.resolve("data_batch_4.bin"), bytes);

    String message = assertThrows(DataFormatException.class, this::open).getMessage();

    assertTrue(message.startsWith(file.toString()), message);
    assertTrue(message.contains("byte offset 3073: expected the label (0..9) of record 1, found 12"), message);
  }

  @Test
  void missingBatchFileIsNamed() throws Exception {
    Files.delete(dir.resolve("data_batch_4.bin"));

    String message = assertThrows(ConfigError.class, this::open).getMessage();

    assertTrue(message.contains("data.dataset.dir: expected the CIFAR-10 file data_batch_4.bin"), message);
    assertTrue(message.contains(dir.resolve("data_batch_4.bin").toString()), message);
  }

  private DatasetSplits open() {
    return TestFiles.openDataset("type = cifar10, dir = " + quote(dir));
  }

  /** {@code count} records whose labels are r mod 10 and whose pixels are numbered from {@code start}. */
  private static byte[] records(int count, int start) {
    byte[] bytes = new byte[count * RECORD];
    for (int r = 0; r < count; r++) {
      bytes[r * RECORD] = (byte) (r % 10);
      for (int p = 1; p < RECORD; p++) {
        bytes[r * RECORD + p] = (byte) (start + 7 * r + p);
      }
    }
    return bytes;
  }
}
