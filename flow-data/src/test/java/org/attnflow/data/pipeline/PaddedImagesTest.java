package org.attnflow.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.data.memory.ChunkedPixels;
import org.attnflow.data.memory.HeldImages;
import org.junit.jupiter.api.Test;

/**
 * Padded images in chunks of a few images: the same pixels, checksum and batches as in one chunk;
 * unpadded, unlimited images held as chunks are used as they are, not copied.
 */
class PaddedImagesTest {
  private static final ImageShape SHAPE = new ImageShape(2, 3, 4);
  private static final int COUNT = 7;

  @Test
  void aPaddedCopyInSeveralChunksHoldsThePixelsAndChecksumOfOneChunk() throws NoSuchAlgorithmException {
    Held dataset = new Held(ChunkedPixels.CHUNK_BYTES);

    PaddedImages chunked = PaddedImages.of(dataset, 1, 0, 2 * 60 + 7); // padded 2×5×6 = 60 bytes: 2 images a chunk
    PaddedImages whole = PaddedImages.of(dataset, 1, 0, ChunkedPixels.CHUNK_BYTES);

    assertEquals(4, chunked.pixels().chunks().size());
    byte[] expected = new byte[COUNT * 60];
    whole.copy(0, COUNT, expected);
    byte[] found = new byte[COUNT * 60];
    chunked.copy(0, COUNT, found);
    assertArrayEquals(expected, found);
    byte[] middle = new byte[3 * 60];
    chunked.copy(1, 3, middle); // images 1 to 3 lie in three chunks
    assertArrayEquals(Arrays.copyOfRange(expected, 60, 4 * 60), middle);
    assertEquals(1, expected[60 + 6 + 1] - expected[6 + 1], "image 1 starts one above image 0, inside the border");
    // the checksum of one run of bytes, as before chunks, so cached FID statistics stay valid
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    digest.update(new ImageShape(2, 5, 6).toString().getBytes(StandardCharsets.UTF_8));
    String flat = HexFormat.of().formatHex(digest.digest(expected));
    assertEquals(flat, chunked.sha256());
    assertEquals(flat, whole.sha256());
  }

  @Test
  void heldImagesAreSharedUnlessPaddedOrLimited() {
    Held dataset = new Held(3 * SHAPE.size());

    assertSame(dataset.pixels(), PaddedImages.of(dataset, 0, 0).pixels());
    PaddedImages limited = PaddedImages.of(dataset, 0, 5, 3 * SHAPE.size());
    assertNotSame(dataset.pixels(), limited.pixels());
    byte[] expected = new byte[5 * SHAPE.size()];
    dataset.pixels().copy(0, 5, expected, 0);
    byte[] found = new byte[5 * SHAPE.size()];
    limited.copy(0, 5, found);
    assertArrayEquals(expected, found);
  }

  @Test
  void batchesOverChunksEqualBatchesOverOneChunk() {
    Held dataset = new Held(ChunkedPixels.CHUNK_BYTES);
    DataPipeline chunked = pipeline(PaddedImages.of(dataset, 1, 0, 61), PaddedImages.of(dataset, 1, 0, 61));
    DataPipeline whole = pipeline(PaddedImages.of(dataset, 1, 0, ChunkedPixels.CHUNK_BYTES),
        PaddedImages.of(dataset, 1, 0, ChunkedPixels.CHUNK_BYTES));

    try (BatchStream a = chunked.train(3, 11, 0); BatchStream b = whole.train(3, 11, 0)) {
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(b.next().values(), a.next().values(), "training batch " + i);
      }
    }
    try (BatchStream a = chunked.test(3, 11, 0); BatchStream b = whole.test(3, 11, 0)) {
      for (Batch expected = b.next(); expected != null; expected = b.next()) {
        assertArrayEquals(expected.values(), a.next().values());
      }
    }
  }

  private static DataPipeline pipeline(PaddedImages train, PaddedImages test) {
    return new InMemoryDataPipeline("test images", train, test, new Augmentation(train.shape(), true, 1), Dequantisation.UNIFORM, 2);
  }

  /** {@code COUNT} images of {@code SHAPE}, pixel p of image i being i + 3p, held in chunks of {@code chunkBytes}. */
  private static final class Held implements ImageDataset, HeldImages {
    private final ChunkedPixels pixels;

    Held(int chunkBytes) {
      pixels = ChunkedPixels.allocate("held", COUNT, SHAPE, chunkBytes, "");
      for (int i = 0; i < COUNT; i++) {
        for (int p = 0; p < SHAPE.size(); p++) {
          pixels.array(i)[pixels.offset(i) + p] = (byte) (i + 3 * p);
        }
      }
    }

    @Override
    public String source() {
      return "held";
    }

    @Override
    public ImageShape shape() {
      return SHAPE;
    }

    @Override
    public int size() {
      return COUNT;
    }

    @Override
    public void copyPixels(int index, byte[] target, int offset) {
      pixels.copy(index, target, offset);
    }

    @Override
    public ChunkedPixels pixels() {
      return pixels;
    }
  }
}
