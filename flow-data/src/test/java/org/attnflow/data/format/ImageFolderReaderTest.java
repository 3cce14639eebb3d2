package org.attnflow.data.format;

import static org.attnflow.data.TestFiles.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.TestFiles;
import org.attnflow.data.UnreadableFilesException;
import org.attnflow.testkit.DatasetFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir Path dir;
  private Path train;

  @BeforeEach
  void writeTestFolder() {
    train = dir.resolve("train");
    writeImage(dir.resolve("test/only.png"), gray(5, 4, (x, y) -> 1), "png");
  }

  @Test
  void grayPngsDirectlyInsideAndInClassSubfoldersInSortedOrder() {
    writeImage(train.resolve("top.png"), gray(5, 4, (x, y) -> 10), "png");
    writeImage(train.resolve("b/x.png"), gray(5, 4, (x, y) -> 30), "png");
    writeImage(train.resolve("a/y.png"), gray(5, 4, (x, y) -> 10 * y + x), "png");
    TestFiles.write(train.resolve("notes.txt"), "not an image".getBytes());

    ImageDataset images = open(1, 0).train();

    assertEquals(new ImageShape(1, 4, 5), images.shape());
    assertEquals(3, images.size());
    byte[] pixels = pixels(images, 0);
    for (int p = 0; p < 20; p++) {
      assertEquals(10 * (p / 5) + p % 5, pixels[p], "a/y.png pixel " + p);
    }
    assertEquals(30, pixels(images, 1)[7], "b/x.png");
    assertEquals(10, pixels(images, 2)[7], "top.png");
  }

  @Test
  void imagesDirectlyInsideTheFolderLeaveItUnlabelled() {
    writeImage(train.resolve("top.png"), gray(5, 4, (x, y) -> 10), "png");
    writeImage(train.resolve("a/y.png"), gray(5, 4, (x, y) -> 20), "png");

    assertTrue(open(1, 0).train().labels().isEmpty());
  }

  @Test
  void classSubfoldersLabelTheirImagesAndTheTestFolderKeepsTheTrainingLabels() {
    writeImage(train.resolve("cat/1.png"), gray(5, 4, (x, y) -> 1), "png");
    writeImage(train.resolve("ant/1.png"), gray(5, 4, (x, y) -> 2), "png");
    writeImage(train.resolve("ant/2.png"), gray(5, 4, (x, y) -> 3), "png");
    writeImage(train.resolve("dog/1.png"), gray(5, 4, (x, y) -> 4), "png");
    deleteTestFolder();
    writeImage(dir.resolve("test/dog/9.png"), gray(5, 4, (x, y) -> 5), "png");
    writeImage(dir.resolve("test/ant/9.png"), gray(5, 4, (x, y) -> 6), "png");

    DatasetSplits splits = open(1, 0);

    Labels trainLabels = splits.train().labels().orElseThrow();
    assertEquals(List.of("ant", "cat", "dog"), trainLabels.names());
    assertArrayEquals(new int[] {0, 0, 1, 2}, trainLabels.values());
    Labels testLabels = splits.test().labels().orElseThrow();
    assertEquals(List.of("ant", "cat", "dog"), testLabels.names());
    assertArrayEquals(new int[] {0, 2}, testLabels.values());
  }

  @Test
  void aTestClassThatIsNoTrainingClassIsNamed() {
    writeImage(train.resolve("cat/1.png"), gray(5, 4, (x, y) -> 1), "png");
    deleteTestFolder();
    writeImage(dir.resolve("test/emu/1.png"), gray(5, 4, (x, y) -> 1), "png");

    String message = assertThrows(DataFormatException.class, () -> open(1, 0)).getMessage();

    assertTrue(message.startsWith(dir.resolve("test/emu") + ": the class subfolder emu is not a class of the training folder "
        + train + ", whose classes are [cat]"), message);
  }

  @Test
  void rgbPngKeepsItsChannelsExactlyAsPlanes() {
    writeImage(train.resolve("c.png"), rgb(5, 4, (x, y) -> 40 * x << 16 | 50 * y << 8 | 200), "png");
    writeImage(dir.resolve("test/only.png"), rgb(5, 4, (x, y) -> 0), "png");

    byte[] pixels = pixels(open(3, 0).train(), 0);

    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        assertEquals(40 * x, pixels[y * 5 + x] & 0xFF, "red at " + x + "," + y);
        assertEquals(50 * y, pixels[20 + y * 5 + x] & 0xFF, "green at " + x + "," + y);
        assertEquals(200, pixels[40 + y * 5 + x] & 0xFF, "blue at " + x + "," + y);
      }
    }
  }

  @Test
  void grayBecomesThreeEqualPlanesAndColourBecomesLuma() {
    writeImage(train.resolve("a-gray.png"), gray(5, 4, (x, y) -> 10 * y + x), "png");
    writeImage(train.resolve("b-colour.png"), rgb(5, 4, (x, y) -> 200 << 16 | 100 << 8 | 50), "png");

    DatasetSplits rgb = open(3, 0);
    DatasetSplits gray = open(1, 0);

    byte[] planes = pixels(rgb.train(), 0);
    for (int p = 0; p < 20; p++) {
      assertEquals(10 * (p / 5) + p % 5, planes[p]);
      assertEquals(planes[p], planes[20 + p]);
      assertEquals(planes[p], planes[40 + p]);
    }
    int luma = pixels(gray.train(), 1)[0] & 0xFF; // 0.299·200 + 0.587·100 + 0.114·50 = 124.2
    assertTrue(Math.abs(luma - 124) <= 2, "luma " + luma);
  }

  @Test
  void jpegImagesInClassSubfoldersDecode() {
    writeImage(train.resolve("cat/a.jpg"), gray(16, 16, (x, y) -> 90), "jpg");
    writeImage(train.resolve("dog/b.jpeg"), rgb(16, 16, (x, y) -> 200 << 16 | 40 << 8 | 120), "jpg");
    writeImage(dir.resolve("test/only.png"), gray(16, 16, (x, y) -> 1), "png");

    ImageDataset images = open(3, 0).train();

    assertEquals(new ImageShape(3, 16, 16), images.shape());
    assertEquals(2, images.size());
    assertNear(90, pixels(images, 0)[100 + 256], 4);
    byte[] colour = pixels(images, 1);
    assertNear(200, colour[100], 4);
    assertNear(40, colour[256 + 100], 4);
    assertNear(120, colour[512 + 100], 4);
  }

  @Test
  void sizeScalesTheShorterSideAndCropsTheCentre() {
    // Wide: three 30×30 squares side by side; the centre crop is the middle square.
    writeImage(train.resolve("1-wide.png"), gray(90, 30, (x, y) -> x < 30 ? 10 : x < 60 ? 128 : 240), "png");
    // Tall: three 30×20 bands; the centre crop spans rows 15..45 of 60, all three bands.
    writeImage(train.resolve("2-tall.png"), gray(30, 60, (x, y) -> y < 20 ? 10 : y < 40 ? 128 : 240), "png");

    ImageDataset images = open(1, 10).train();

    assertEquals(new ImageShape(1, 10, 10), images.shape());
    byte[] wide = pixels(images, 0);
    for (int y = 0; y < 10; y++) {
      for (int x = 2; x < 8; x++) {
        assertNear(128, wide[y * 10 + x], 2);
      }
    }
    byte[] tall = pixels(images, 1);
    assertNear(128, tall[4 * 10 + 5], 2);
    assertTrue((tall[5] & 0xFF) < 100, "top row shows the upper band: " + (tall[5] & 0xFF));
    assertTrue((tall[95] & 0xFF) > 160, "bottom row shows the lower band: " + (tall[95] & 0xFF));
  }

  @Test
  void mismatchedSizeNamesFileAndExpectedSize() {
    writeImage(train.resolve("a.png"), gray(4, 4, (x, y) -> 0), "png");
    Path odd = writeImage(train.resolve("b.png"), gray(5, 4, (x, y) -> 0), "png");

    UnreadableFilesException e = assertThrows(UnreadableFilesException.class, () -> open(1, 0));

    assertTrue(e.getMessage().startsWith(train + ": 1 of 2 files cannot be read: b.png: expected 4×4 pixels"), e.getMessage());
    assertEquals(odd, e.files().get(0).file());
    assertEquals("expected 4×4 pixels (width×height, the size of a.png), found 5×4; set size = N to scale and crop every"
        + " image to N×N", e.files().get(0).reason());
  }

  @Test
  void emptyFolderIsNamed() {
    TestFiles.write(train.resolve("notes.txt"), "no images here".getBytes());

    String message = assertThrows(DataFormatException.class, () -> open(1, 0)).getMessage();

    assertTrue(message.startsWith(train.toString()), message);
    assertTrue(message.contains("expected PNG or JPEG images"), message);
    assertTrue(message.contains("found none"), message);
  }

  @Test
  void everyBadFileIsCollectedWithItsReasonAndOtherFilesAreSkipped() {
    writeImage(train.resolve("a.png"), gray(40, 40, (x, y) -> 0), "png");
    Path broken = TestFiles.write(train.resolve("b.png"), "this is not a PNG".getBytes());
    Path truncated = TestFiles.write(train.resolve("c.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
    Path small = writeImage(train.resolve("d.png"), gray(20, 40, (x, y) -> 0), "png");
    TestFiles.write(train.resolve("notes.txt"), "not an image, and not read".getBytes());
    TestFiles.write(train.resolve(".hidden.png"), "hidden files are skipped".getBytes());

    UnreadableFilesException e = assertThrows(UnreadableFilesException.class, () -> TestFiles.openDataset(
        "type = image-folder, train = " + quote(train) + ", test = " + quote(dir.resolve("test")) + ", crop = 30"));

    assertEquals(List.of(broken, truncated, small), e.files().stream().map(UnreadableFilesException.BadFile::file).toList());
    assertTrue(e.files().get(0).reason().startsWith("cannot decode the image"), e.files().get(0).reason());
    assertTrue(e.files().get(1).reason().startsWith("cannot decode the image"), e.files().get(1).reason());
    assertEquals("the image is 20×40 pixels, smaller than the crop box 30×30", e.files().get(2).reason());
    assertTrue(e.getMessage().startsWith(train + ": 3 of 4 files cannot be read: b.png: cannot decode"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void manyBadFilesAreCountedInTheMessage() {
    for (int i = 0; i < 5; i++) {
      TestFiles.write(train.resolve("bad-" + i + ".png"), "x".getBytes());
    }

    UnreadableFilesException e = assertThrows(UnreadableFilesException.class, () -> open(1, 0));

    assertEquals(5, e.files().size());
    assertTrue(e.getMessage().contains("5 of 5 files cannot be read") && e.getMessage().endsWith("; and 2 more"), e.getMessage());
  }

  @Test
  void aCelebaLikeFolderIsCroppedToItsCentreBoxThenScaled() {
    Path faces = DatasetFixtures.faces(dir.resolve("faces"), 3, 30, 40);

    DatasetSplits splits = TestFiles.openDataset("type = image-folder, train = " + quote(faces) + ", test = " + quote(faces)
        + ", crop = 24, size = 12");

    assertEquals(new ImageShape(3, 12, 12), splits.train().shape());
    assertEquals(3, splits.train().size());
    assertTrue(splits.train().labels().isEmpty());
    byte[] image = pixels(splits.train(), 2);
    for (int c = 0; c < 3; c++) {
      assertNear(200, image[c * 144 + 6 * 12 + 6], 2); // the face fills the centre
      assertNear(40, image[c * 144], 3); // the corner is background: the red border was cut away
    }
  }

  @Test
  void cropAloneKeepsTheBoxSize() {
    Path faces = DatasetFixtures.faces(dir.resolve("faces"), 1, 30, 40);

    ImageDataset images = TestFiles.openDataset("type = image-folder, train = " + quote(faces) + ", test = " + quote(faces)
        + ", crop = 20").train();

    assertEquals(new ImageShape(3, 20, 20), images.shape());
  }

  @Test
  void missingFolderAndBadChannelsAreConfigErrors() {
    String missing = assertThrows(ConfigError.class, () -> open(1, 0)).getMessage();
    assertTrue(missing.contains("data.dataset.train: expected an existing folder, found nothing at " + train), missing);

    writeImage(train.resolve("a.png"), gray(5, 4, (x, y) -> 0), "png");
    String channels = assertThrows(ConfigError.class, () -> open(2, 0)).getMessage();
    assertTrue(channels.contains("data.dataset.channels: expected 1 or 3, found 2"), channels);
  }

  private void deleteTestFolder() {
    try {
      Files.delete(dir.resolve("test/only.png"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private DatasetSplits open(int channels, int size) {
    return TestFiles.openDataset("type = image-folder, train = " + quote(train) + ", test = "
        + quote(dir.resolve("test")) + ", channels = " + channels + ", size = " + size);
  }

  private static byte[] pixels(ImageDataset images, int index) {
    byte[] pixels = new byte[images.shape().size()];
    images.copyPixels(index, pixels, 0);
    return pixels;
  }

  private static void assertNear(int expected, byte actual, int tolerance) {
    assertTrue(Math.abs(expected - (actual & 0xFF)) <= tolerance, "expected " + expected + " ± " + tolerance + ", found " + (actual & 0xFF));
  }

  private static Path writeImage(Path file, BufferedImage image, String format) {
    try {
      Files.createDirectories(file.getParent());
      assertTrue(ImageIO.write(image, format, file.toFile()), "ImageIO writes " + format);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BufferedImage gray(int width, int height, IntBinaryOperator value) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, value.applyAsInt(x, y));
      }
    }
    return image;
  }

  private static BufferedImage rgb(int width, int height, IntBinaryOperator value) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, value.applyAsInt(x, y));
      }
    }
    return image;
  }
}
