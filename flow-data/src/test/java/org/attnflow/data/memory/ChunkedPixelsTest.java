package org.attnflow.data.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.junit.jupiter.api.Test;

/** Chunks of whole images, copies across their boundaries, and the refusal of what the heap cannot hold. */
class ChunkedPixelsTest {
  private static final ImageShape SHAPE = new ImageShape(1, 2, 3);

  @Test
  void imagesFillWholeChunksInOrderAndCopyAcrossTheirBoundaries() {
    ChunkedPixels pixels = ChunkedPixels.allocate("test", 8, SHAPE, 3 * 6 + 5, ""); // 3 images of 6 bytes a chunk
    for (int i = 0; i < 8; i++) {
      for (int p = 0; p < 6; p++) {
        pixels.array(i)[pixels.offset(i) + p] = (byte) (10 * i + p);
      }
    }

    assertEquals(3, pixels.chunks().size());
    assertEquals(18, pixels.chunks().get(0).length);
    assertEquals(12, pixels.chunks().get(2).length, "the last chunk holds the 2 images left");
    assertEquals(6, pixels.offset(4));
    byte[] run = new byte[2 + 5 * 6];
    pixels.copy(2, 5, run, 2); // images 2 to 6: the end of chunk 0, all of chunk 1, the start of chunk 2
    for (int k = 0; k < 5; k++) {
      for (int p = 0; p < 6; p++) {
        assertEquals(10 * (2 + k) + p, run[2 + 6 * k + p], "image " + (2 + k) + ", pixel " + p);
      }
    }
    byte[] image = new byte[6];
    pixels.copy(7, image, 0);
    assertArrayEquals(new byte[] {70, 71, 72, 73, 74, 75}, image);
  }

  @Test
  void moreThanTheHeapHoldsIsRefusedInOneLineWithTheBytesAndAHeapThatWould() {
    ImageShape shape = new ImageShape(3, 64, 64);
    long count = Runtime.getRuntime().maxMemory() / shape.size() + 1;

    FlowException e = assertThrows(FlowException.class,
        () -> ChunkedPixels.allocate("/data/Imagenet64", count, shape, ChunkedPixels.CHUNK_BYTES, "or list fewer batches in train"));

    String message = e.getMessage();
    assertTrue(message.startsWith("/data/Imagenet64: " + count + " images of 3×64×64 need " + count * shape.size() + " bytes ("),
        message);
    assertTrue(message.matches(".*GiB\\), more than the \\d+\\.\\d GiB the Java heap has free of its maximum \\d+\\.\\d GiB; raise the"
        + " maximum \\(ATTNFLOW_JAVA_OPTS=-Xmx\\d+g, docs/datasets.md\\) or list fewer batches in train"), message);
    long suggested = Long.parseLong(message.replaceAll(".*-Xmx(\\d+)g.*", "$1"));
    assertTrue(suggested << 30 > count * shape.size(), "the suggested heap holds the images: " + message);
  }
}
