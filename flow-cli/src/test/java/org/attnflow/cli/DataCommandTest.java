package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.quote;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.attnflow.testkit.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attnflow data} end to end: a two-batch downsampled-ImageNet set (splits, shape, classes
 * with counts, channel statistics, baselines, the grid), a CelebA-like folder cropped and scaled,
 * and bad files listed with their reasons before a one-line error.
 */
class DataCommandTest {
  @TempDir Path tmp;

  @Test
  void describesDownsampledImageNetBatchesAndDrawsTheGrid() throws IOException {
    Path dir = DatasetFixtures.downsampledImageNet(tmp.resolve("Imagenet32"), 32, new int[] {3, 2}, 4, true);
    Path config = config("data { pad = 0, dataset { type = downsampled-imagenet, dir = " + quote(dir)
        + ", train = [\"train_data_batch_1.npz\", \"train_data_batch_2.npz\"] } }");
    Path grid = tmp.resolve("grid.png");

    String out = assertOk(run("data", config.toString(), "--out", grid.toString())).out();

    assertTrue(out.startsWith("dataset downsampled-imagenet: "), out);
    assertTrue(out.contains("  train        5 images  " + dir.resolve("{train_data_batch_1.npz,train_data_batch_2.npz}")), out);
    assertTrue(out.contains("  test         4 images  " + dir.resolve("val_data.npz")), out);
    assertTrue(out.contains("  image        3×32×32, D = 3,072 dimensions (pad 0, as a run sees them)"), out);
    // labels 1, 2, 3, 1, 2 in the files: classes 0 and 1 hold two images, class 2 one, class 3 none
    assertTrue(out.contains("  classes      1,000, 3 of them with training images; training images per class 0 (3) to 2 (0)"), out);
    assertTrue(out.contains("    2                           1 train        1 test"), out);
    assertTrue(out.contains("    … and 995 more classes"), out);
    for (int c = 0; c < 3; c++) {
      assertTrue(out.contains(String.format(Locale.ROOT, "  channel %d    mean %.2f  std %.2f", c, mean(5, c), std(5, c))), out);
    }
    assertTrue(out.contains("  bits/dim     8.000  uniform over the 256 levels"), out);
    assertTrue(out.contains("entropy of the training pixels' histogram"), out);
    assertTrue(out.contains("  grid         " + grid + ": 5 training images"), out);
    assertTrue(out.matches("(?s).*  read in      \\d+\\.\\d\\d s .*"), out);
    BufferedImage png = ImageIO.read(grid.toFile());
    assertEquals(2 + 3 * (32 + 2), png.getWidth()); // 5 images: 3 columns, 2 rows
    assertEquals(2 + 2 * (32 + 2), png.getHeight());
    int rgb = png.getRGB(2, 2); // image 0, pixel (0, 0) of each channel plane
    assertEquals(DatasetFixtures.pixel(0, 0), rgb >> 16 & 0xFF);
    assertEquals(DatasetFixtures.pixel(0, 1024), rgb >> 8 & 0xFF);
    assertEquals(DatasetFixtures.pixel(0, 2048), rgb & 0xFF);
  }

  @Test
  void describesACelebaLikeFolderCroppedAndScaled() throws IOException {
    Path faces = DatasetFixtures.faces(tmp.resolve("faces"), 4, 30, 40);
    Path config = config("data { pad = 0, dataset { type = image-folder, train = " + quote(faces) + ", test = " + quote(faces)
        + ", crop = 24, size = 12 } }");

    String out = assertOk(run("data", config.toString())).out();

    assertTrue(out.startsWith("dataset image-folder: "), out);
    assertTrue(out.contains("  image        3×12×12, D = 432 dimensions"), out);
    assertTrue(out.contains("  classes      none (unlabelled)"), out);
    assertFalse(out.contains("grid"), out);
  }

  @Test
  void everyBadFileOfAFolderIsListedWithItsReason() throws IOException {
    Path faces = DatasetFixtures.faces(tmp.resolve("faces"), 2, 30, 40);
    Files.writeString(faces.resolve("broken.png"), "not a PNG");
    Files.write(faces.resolve("small.png"), Files.readAllBytes(DatasetFixtures.faces(tmp.resolve("small"), 1, 10, 10)
        .resolve("000001.png")));
    Files.writeString(faces.resolve("readme.txt"), "not an image: skipped");
    Path config = config("data { pad = 0, dataset { type = image-folder, train = " + quote(faces) + ", test = " + quote(faces)
        + ", crop = 24, size = 12 } }");

    Harness.Result r = run("data", config.toString());

    String error = assertOneLineError(r, Cli.FAILED);
    assertTrue(error.contains(faces + ": 2 of 4 files cannot be read: broken.png: cannot decode"), error);
    assertTrue(r.out().contains("  bad files    2\n    " + faces.resolve("broken.png") + ": cannot decode the image"), r.out());
    assertTrue(r.out().contains("    " + faces.resolve("small.png") + ": the image is 10×10 pixels, smaller than the crop box 24×24"),
        r.out());
  }

  @Test
  void aMislabelledBatchIsNamedWithItsEntry() throws IOException {
    Path dir = DatasetFixtures.downsampledImageNet(tmp.resolve("Imagenet64"), 64, new int[] {2}, 2, false);
    Map<String, byte[]> batch = DatasetFixtures.batch(64, 0, 2);
    batch.put("labels", DatasetFixtures.npy("<i8", new int[] {2},
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(1001).array()));
    Path bad = DatasetFixtures.npz(dir.resolve("val_data.npz"), batch, false);
    Path config = config("data { pad = 0, dataset { type = downsampled-imagenet, dir = " + quote(dir)
        + ", size = 64, train = [\"train_data_batch_1.npz\"] } }");

    Harness.Result r = run("data", config.toString());

    String error = assertOneLineError(r, Cli.FAILED);
    assertTrue(error.contains(bad + ": labels.npy: entry 1 (image 1 of the batch): expected a label 1..1000, found 1001"), error);
    assertTrue(r.out().contains("  bad files    1\n    " + bad + ": labels.npy"), r.out());
  }

  private Path config(String hocon) throws IOException {
    return Files.writeString(tmp.resolve("data.conf"), "device = cpu\n" + hocon + "\n");
  }

  /** The mean of channel {@code c} over the first {@code images} fixture images of 3×32×32. */
  private static double mean(int images, int c) {
    double sum = 0;
    for (int i = 0; i < images; i++) {
      for (int p = c * 1024; p < (c + 1) * 1024; p++) {
        sum += DatasetFixtures.pixel(i, p);
      }
    }
    return sum / (images * 1024.0);
  }

  private static double std(int images, int c) {
    double m = mean(images, c);
    double sum = 0;
    for (int i = 0; i < images; i++) {
      for (int p = c * 1024; p < (c + 1) * 1024; p++) {
        sum += (DatasetFixtures.pixel(i, p) - m) * (DatasetFixtures.pixel(i, p) - m);
      }
    }
    return Math.sqrt(sum / (images * 1024.0));
  }
}
