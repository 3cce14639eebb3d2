package org.attnflow.data.format;

import static org.attnflow.data.TestFiles.gzip;
import static org.attnflow.data.TestFiles.idx;
import static org.attnflow.data.TestFiles.numbered;
import static org.attnflow.data.TestFiles.quote;
import static org.attnflow.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.TestFiles;
import org.attnflow.data.memory.ChunkedPixels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  @Test
  void readsRawAndGzipFilesRecognisedByContentNotName() {
    byte[] pixels = numbered(3, 8);
    Path rawNamedGz = write(dir.resolve("raw.gz"), idx(3, 2, 4, pixels));
    Path gzipNamedIdx = write(dir.resolve("compressed.idx"), gzip(idx(3, 2, 4, pixels)));

    for (Path file : new Path[] {rawNamedGz, gzipNamedIdx}) {
      ImageDataset images = IdxReader.read(file, ChunkedPixels.CHUNK_BYTES);
      assertEquals(new ImageShape(1, 2, 4), images.shape());
      assertEquals(3, images.size());
      byte[] all = new byte[24];
      for (int i = 0; i < 3; i++) {
        images.copyPixels(i, all, i * 8);
      }
      assertArrayEquals(pixels, all, file.toString());
    }
  }

  @Test
  void wrongMagicNamesFileOffsetAndBothNumbers() {
    byte[] labels = ByteBuffer.allocate(11).putInt(0x00000801).putInt(3).put(new byte[] {1, 2, 3}).array();
    Path file = write(dir.resolve("labels.idx"), labels);

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(file, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.startsWith(file.toString()), message);
    assertTrue(message.contains("byte offset 0"), message);
    assertTrue(message.contains("expected the magic number 0x00000803"), message);
    assertTrue(message.contains("found 0x00000801"), message);
  }

  @Test
  void truncatedRawFileGivesOffsetAndExpectedBytes() {
    byte[] file = Arrays.copyOf(idx(3, 2, 4, numbered(3, 8)), 16 + 20);
    Path path = write(dir.resolve("short.idx"), file);

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.startsWith(path.toString()), message);
    assertTrue(message.contains("the data ends at byte offset 36;"), message);
    assertTrue(message.contains("expected 24 bytes of pixels (3 images of 2×4) from offset 16, found 20"), message);
  }

  @Test
  void truncatedGzipContentCountsDecompressedBytes() {
    Path path = write(dir.resolve("short.gz"), gzip(Arrays.copyOf(idx(3, 2, 4, numbered(3, 8)), 14)));

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.startsWith(path.toString()), message);
    assertTrue(message.contains("the data ends at byte offset 14 of the decompressed data"), message);
    assertTrue(message.contains("expected 4 bytes of the number of columns from offset 12, found 2"), message);
  }

  @Test
  void gzipStreamCutShortReportsWhereTheDataRanOut() {
    byte[] compressed = gzip(idx(100, 28, 28, TestFiles.noise(100 * 784, 7)));
    Path path = write(dir.resolve("cut.gz"), Arrays.copyOf(compressed, compressed.length / 2));

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.startsWith(path.toString()), message);
    assertTrue(message.matches(".*the data ends at byte offset \\d+ of the decompressed data; expected 78400 bytes.*"), message);
  }

  @Test
  void corruptGzipHeaderIsNamed() {
    Path path = write(dir.resolve("bad.gz"), new byte[] {0x1f, (byte) 0x8b, 99, 0, 0, 0, 0, 0, 0, 0});

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.startsWith(path + ": cannot read the header at byte offset 0"), message);
  }

  @Test
  void trailingDataIsAnError() {
    byte[] file = Arrays.copyOf(idx(3, 2, 4, numbered(3, 8)), 16 + 24 + 5);
    Path path = write(dir.resolve("long.idx"), file);

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.contains("byte offset 40: expected the end of the file after 3 images"), message);
  }

  @Test
  void zeroRowsIsAnError() {
    Path path = write(dir.resolve("flat.idx"), idx(3, 0, 4, new byte[0]));

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.contains("byte offset 8: expected the number of rows to be positive, found 0"), message);
  }

  @Test
  void countBeyondTheIntRangeIsReadUnsignedAndTooLarge() {
    Path path = write(dir.resolve("count.idx"), idx(0xFFFFFFFF, 8, 8, new byte[0]));

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.startsWith(path + ": byte offset 4: expected the image count to be at most 2147483647, "
        + "found 4294967295 (0xffffffff): too large"), message);
  }

  @Test
  void imageSizeBeyondOneArrayIsTooLarge() {
    Path path = write(dir.resolve("wide.idx"), idx(1, 65536, 65536, new byte[0]));

    String message = assertThrows(DataFormatException.class, () -> IdxReader.read(path, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(message.startsWith(path + ": byte offset 8: the image size 65536×65536 (rows × columns): a shape of"), message);
    assertTrue(message.contains("4294967296 values per sample") && message.endsWith("(too large)"), message);
  }

  /** A header claiming 2 GB of pixels in a file without them fails at once, without allocating the claim. */
  @Test
  void headerClaimingMoreThanTheFileHoldsFailsBeforeAllocating() {
    Path raw = write(dir.resolve("claim.idx"), idx(32767, 256, 256, new byte[10]));
    Path compressed = write(dir.resolve("claim.gz"), gzip(idx(32767, 256, 256, new byte[10])));

    String rawMessage = assertThrows(DataFormatException.class, () -> IdxReader.read(raw, ChunkedPixels.CHUNK_BYTES)).getMessage();
    String gzipMessage = assertThrows(DataFormatException.class, () -> IdxReader.read(compressed, ChunkedPixels.CHUNK_BYTES)).getMessage();

    assertTrue(rawMessage.contains("truncated: the data ends at byte offset 26; expected 2147418112 bytes of pixels "
        + "(32767 images of 256×256) from offset 16, found 10"), rawMessage);
    assertTrue(gzipMessage.contains("expected 2147418112 bytes of pixels (32767 images of 256×256) from byte offset 16 "
        + "of the decompressed data, more than the"), gzipMessage);
  }

  @Test
  void providerOpensBothSplits() {
    Path train = write(dir.resolve("train.idx"), gzip(idx(5, 2, 2, numbered(5, 4))));
    Path test = write(dir.resolve("test.idx"), idx(2, 2, 2, numbered(2, 4)));

    DatasetSplits splits = TestFiles.openDataset("type = idx, train = " + quote(train) + ", test = " + quote(test));

    assertEquals(5, splits.train().size());
    assertEquals(2, splits.test().size());
    assertEquals(train.toString(), splits.train().source());
  }

  @Test
  void missingFileNamesTheKeyAndThePath() {
    Path test = write(dir.resolve("test.idx"), idx(2, 2, 2, numbered(2, 4)));
    Path missing = dir.resolve("nowhere.idx");

    FlowException e = assertThrows(ConfigError.class,
        () -> TestFiles.openDataset("type = idx, train = " + quote(missing) + ", test = " + quote(test)));

    assertTrue(e.getMessage().contains("data.dataset.train: expected an existing file, found no file at " + missing), e.getMessage());
  }

  @Test
  void padToCentresEachImageInZerosAndChannelsRepeatsTheGrayChannel() {
    Path train = write(dir.resolve("train.idx"), idx(2, 2, 3, numbered(2, 6)));
    Path test = write(dir.resolve("test.idx"), idx(1, 2, 3, numbered(1, 6)));

    DatasetSplits splits = TestFiles.openDataset("type = idx, train = " + quote(train) + ", test = " + quote(test)
        + ", pad-to = 5, channels = 3");

    assertEquals(new ImageShape(3, 5, 5), splits.train().shape());
    assertEquals(new ImageShape(3, 5, 5), splits.test().shape());
    byte[] image = new byte[75];
    splits.train().copyPixels(1, image, 0);
    // image 1 holds 20..25 as 2 rows of 3; margins 1 above, 2 below, 1 left, 1 right
    byte[] plane = {
      0, 0, 0, 0, 0,
      0, 20, 21, 22, 0,
      0, 23, 24, 25, 0,
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 0};
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(plane, Arrays.copyOfRange(image, c * 25, (c + 1) * 25), "channel " + c);
    }
  }

  @Test
  void channelsAloneKeepsTheSizeAndPadToAloneKeepsOneChannel() {
    Path file = write(dir.resolve("images.idx"), idx(1, 2, 3, numbered(1, 6)));
    String files = "type = idx, train = " + quote(file) + ", test = " + quote(file);

    assertEquals(new ImageShape(3, 2, 3), TestFiles.openDataset(files + ", channels = 3").train().shape());
    assertEquals(new ImageShape(1, 4, 4), TestFiles.openDataset(files + ", pad-to = 4").train().shape());
  }

  @Test
  void padToBelowTheImageSizeAndOtherChannelCountsAreErrorsAtTheirKeys() {
    Path file = write(dir.resolve("images.idx"), idx(1, 2, 3, numbered(1, 6)));
    String files = "type = idx, train = " + quote(file) + ", test = " + quote(file);

    String small = assertThrows(ConfigError.class, () -> TestFiles.openDataset(files + ", pad-to = 2")).getMessage();
    assertTrue(small.contains("pad-to: expected 0 or at least the images' size 2×3"), small);
    String channels = assertThrows(ConfigError.class, () -> TestFiles.openDataset(files + ", channels = 2")).getMessage();
    assertTrue(channels.contains("channels: expected 1 (gray, as stored) or 3"), channels);
  }
}
