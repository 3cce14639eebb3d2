package org.attnflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.registry.Registry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real images of a split: padded like the pipeline's, whole (no train-limit), with a content checksum. */
class DatasetImagesTest {
  @TempDir Path tmp;

  private DatasetImages open(String split, String keys) {
    Path train = TestFiles.write(tmp.resolve("d/train.idx"), TestFiles.idx(5, 3, 3, TestFiles.numbered(5, 9)));
    Path test = TestFiles.write(tmp.resolve("d/test.idx"), TestFiles.idx(2, 3, 3, TestFiles.numbered(2, 9)));
    return DatasetImages.open(TestFiles.dataBlock("data { dataset { type = idx, train = " + TestFiles.quote(train)
        + ", test = " + TestFiles.quote(test) + " }, " + keys + " }"), Registry.builtIn(), split);
  }

  @Test
  void imagesArePaddedAsThePipelinePadsThem() {
    DatasetImages images = open("test", "pad = 1");
    assertEquals(new ImageShape(1, 5, 5), images.shape());
    assertEquals(2, images.count());
    assertEquals("test", images.split());
    assertEquals("pad 1", images.preprocessing());
    assertEquals(tmp.resolve("d").toAbsolutePath(), images.folder());
    byte[] pixels = images.pixels(1, 1);
    // image 1, pixel (r, c) of the 3×3 original is 20 + 3r + c, framed by zeros
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 5; c++) {
        boolean inside = r >= 1 && r <= 3 && c >= 1 && c <= 3;
        assertEquals(inside ? 20 + 3 * (r - 1) + (c - 1) : 0, pixels[r * 5 + c] & 0xFF, "pixel " + r + ", " + c);
      }
    }
    // the same pixels the test pipeline dequantises
    try (BatchStream s = DataPipelines.create(TestFiles.dataBlock("data { dataset { type = idx, train = "
        + TestFiles.quote(tmp.resolve("d/train.idx")) + ", test = " + TestFiles.quote(tmp.resolve("d/test.idx"))
        + " }, pad = 1 }"), Registry.builtIn()).test(2, 0, 0)) {
      Batch b = s.next();
      for (int i = 0; i < 25; i++) {
        assertEquals(pixels[i] & 0xFF, TestFiles.pixel(b.values()[25 + i]));
      }
    }
  }

  @Test
  void theTrainingLimitDoesNotShrinkTheReference() {
    assertEquals(5, open("train", "pad = 0, train-limit = 2").count());
  }

  @Test
  void theChecksumFollowsThePixelsAndThePadding() {
    String plain = open("train", "pad = 0").sha256();
    assertEquals(plain, open("train", "pad = 0").sha256());
    assertNotEquals(plain, open("train", "pad = 1").sha256());
    assertNotEquals(plain, open("test", "pad = 0").sha256());
  }
}
