package org.attnflow.data.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.data.TestFiles;
import org.attnflow.data.memory.ChunkedPixels;
import org.attnflow.testkit.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every reader with a chunk of a few images (or less than one): the split spans several chunks,
 * files and npz batches straddle their boundaries, and every image reads back as with one chunk.
 */
class ChunkBoundaryTest {
  @TempDir Path dir;

  @Test
  void idxImagesAndTheirCentredCopyReadBackAcrossChunks() {
    byte[] pixels = TestFiles.numbered(5, 8);
    Path file = TestFiles.write(dir.resolve("images.idx"), TestFiles.gzip(TestFiles.idx(5, 2, 4, pixels)));

    InMemoryImages chunked = IdxReader.read(file, 20); // 2 images of 8 bytes a chunk
    InMemoryImages whole = IdxReader.read(file, ChunkedPixels.CHUNK_BYTES);

    assertEquals(3, chunked.pixels().chunks().size());
    assertArrayEquals(pixels, all(chunked));
    InMemoryImages centred = chunked.centred(6, 6, 3, 250); // 3×6×6 = 108 bytes: 2 images a chunk
    assertEquals(3, centred.pixels().chunks().size());
    assertArrayEquals(all(whole.centred(6, 6, 3, ChunkedPixels.CHUNK_BYTES)), all(centred));
  }

  @Test
  void cifar10RecordsReadBackAcrossChunks() {
    int record = 1 + 3072;
    byte[] bytes = TestFiles.noise(3 * record, 7);
    for (int r = 0; r < 3; r++) {
      bytes[r * record] = (byte) r;
    }
    Path first = TestFiles.write(dir.resolve("data_batch_1.bin"), bytes);
    Path second = TestFiles.write(dir.resolve("data_batch_2.bin"), bytes);
    List<String> names = List.of("a", "b", "c");

    ImageDataset chunked = Cifar10Reader.read("cifar", List.of(first, second), names, 2 * 3072);

    assertEquals(3, ((InMemoryImages) chunked).pixels().chunks().size());
    assertArrayEquals(all(Cifar10Reader.read("cifar", List.of(first, second), names, ChunkedPixels.CHUNK_BYTES)), all(chunked));
    byte[] image = new byte[3072];
    chunked.copyPixels(5, image, 0); // the second file's third record, in the last chunk
    assertArrayEquals(Arrays.copyOfRange(bytes, 2 * record + 1, 3 * record), image);
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, chunked.labels().orElseThrow().values());
  }

  @Test
  void imageFolderImagesReadBackAcrossChunks() {
    Path folder = DatasetFixtures.faces(dir.resolve("faces"), 5, 8, 6);

    InMemoryImages chunked = ImageFolderReader.read(folder, 3, 0, 0, 300); // 3×6×8 = 144 bytes: 2 images a chunk

    assertEquals(3, chunked.pixels().chunks().size());
    assertArrayEquals(all(ImageFolderReader.read(folder, 3, 0, 0, ChunkedPixels.CHUNK_BYTES)), all(chunked));
  }

  @ParameterizedTest
  @CsvSource({"false, 384", "true, 384", "false, 1", "true, 1"})
  void npzBatchesStraddlingChunksAreDecodedIntoPlace(boolean compressed, int chunkBytes) {
    // batches of 3, 2 and 4 images of 3×8×8 = 192 bytes; 384 bytes hold 2 images, 1 byte holds 1
    DatasetFixtures.downsampledImageNet(dir, 8, new int[] {3, 2, 4}, 1, compressed);
    List<Path> files = List.of(dir.resolve("train_data_batch_1.npz"), dir.resolve("train_data_batch_2.npz"),
        dir.resolve("train_data_batch_3.npz"));

    InMemoryImages chunked = DownsampledImageNetReader.read("imagenet", files, 8, chunkBytes);

    assertEquals(chunkBytes == 1 ? 9 : 5, chunked.pixels().chunks().size());
    byte[] pixels = all(chunked);
    for (int i = 0; i < 9; i++) {
      for (int p = 0; p < 192; p++) {
        assertEquals(DatasetFixtures.pixel(i, p), pixels[i * 192 + p] & 0xFF, "image " + i + ", pixel " + p);
      }
    }
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2}, chunked.labels().orElseThrow().values());
  }

  /** Every image of {@code images}, one after the other, read through the dataset interface. */
  private static byte[] all(ImageDataset images) {
    int size = images.shape().size();
    byte[] out = new byte[images.size() * size];
    for (int i = 0; i < images.size(); i++) {
      images.copyPixels(i, out, i * size);
    }
    return out;
  }
}
