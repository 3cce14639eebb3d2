package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code attnflow interpolate} on a tiny run (1×8×8 images, 32 test images) trained once for the class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InterpolateTest {
  private static final Pattern END_ERRORS = Pattern.compile(
      "round trip of the end points: max \\|x − f⁻¹\\(f\\(x\\)\\)\\| = (\\S+) \\(test image 3\\), (\\S+) \\(test image 17\\)");
  /** The side of one image in the strip, and the gap around it. */
  private static final int SIDE = 8;
  private static final int GAP = 2;
  @TempDir static Path tmp;
  private Path runDir;

  @BeforeAll
  void trainATinyRun() throws IOException {
    Path config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data")));
    runDir = tmp.resolve("run");
    assertOk(run("train", "-c", config.toString(), "--steps", "3", "--out", runDir.toString()));
  }

  @Test
  void linearPathIsOneRowWhoseEndsDecodeToTheTestImages() throws IOException {
    Path png = tmp.resolve("linear.png");
    Harness.Result r = assertOk(run("interpolate", runDir.toString(), "--from", "3", "--to", "17", "--steps", "5",
        "--out", png.toString()));
    assertEndErrorsAreSmall(r);
    assertTrue(r.out().contains("wrote the 5 decodings along the linear path from test image 3 to 17 (one row, both ends included) to " + png),
        r::toString);
    BufferedImage strip = strip(png, 5);
    assertFalse(sameTile(strip, 0, 2), "the middle of the path is not the first image");
    assertFalse(sameTile(strip, 4, 2), "the middle of the path is not the last image");
  }

  @Test
  void sphericalPathDiffersFromTheLinearOneInsideButNotAtTheEnds() throws IOException {
    Path linear = tmp.resolve("l.png");
    Path spherical = tmp.resolve("s.png");
    assertOk(run("interpolate", runDir.toString(), "--from", "3", "--to", "17", "--out", linear.toString()));
    Harness.Result r = assertOk(run("interpolate", runDir.toString(), "--from", "3", "--to", "17", "--spherical",
        "--out", spherical.toString()));
    assertEndErrorsAreSmall(r);
    assertTrue(r.out().contains("along the spherical path"), r::toString);
    BufferedImage a = strip(linear, 8);
    BufferedImage b = strip(spherical, 8);
    assertTrue(sameTile(a, 0, b, 0) && sameTile(a, 7, b, 7), "both paths start and end at the same images");
    assertFalse(sameTile(a, 3, b, 3), "the paths differ inside");
  }

  @Test
  void badValuesAreOneLineErrorsNamingTheOptionAndItsRange() {
    String png = tmp.resolve("bad.png").toString();
    String line = assertOneLineError(run("interpolate", runDir.toString(), "--from", "32", "--to", "0", "--out", png), Cli.USAGE);
    assertTrue(line.contains("--from 32 is out of range: a test image index, 0..31"), line);
    line = assertOneLineError(run("interpolate", runDir.toString(), "--from", "0", "--to", "-1", "--out", png), Cli.USAGE);
    assertTrue(line.contains("--to -1 is out of range: a test image index, 0..31"), line);
    line = assertOneLineError(run("interpolate", runDir.toString(), "--to", "1", "--out", png), Cli.USAGE);
    assertTrue(line.contains("--from is required: a test image index, 0..31"), line);
    line = assertOneLineError(run("interpolate", runDir.toString(), "--from", "0", "--to", "1", "--steps", "1", "--out", png), Cli.USAGE);
    assertTrue(line.contains("--steps must be at least 2, found 1"), line);
    line = assertOneLineError(run("interpolate", runDir.toString(), "--from", "0", "--to", "1"), Cli.USAGE);
    assertTrue(line.contains("--out FILE.png is required"), line);
    line = assertOneLineError(run("interpolate", tmp.resolve("nope").toString(), "--from", "0", "--to", "1", "--out", png), Cli.FAILED);
    assertTrue(line.contains("does not exist"), line);
  }

  private static void assertEndErrorsAreSmall(Harness.Result r) {
    Matcher m = END_ERRORS.matcher(r.out());
    assertTrue(m.find(), r::toString);
    for (int end = 1; end <= 2; end++) {
      double error = Double.parseDouble(m.group(end));
      assertTrue(error < 1e-3, "end point " + end + ": max error " + error);
    }
  }

  /** The PNG at {@code png}, checked to be one row of {@code images} tiles. */
  private static BufferedImage strip(Path png, int images) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img, png + " is not a PNG");
    assertEquals(GAP + images * (SIDE + GAP), img.getWidth(), "width of " + images + " images");
    assertEquals(GAP + SIDE + GAP, img.getHeight(), "one row");
    return img;
  }

  private static boolean sameTile(BufferedImage img, int i, int j) {
    return sameTile(img, i, img, j);
  }

  private static boolean sameTile(BufferedImage a, int i, BufferedImage b, int j) {
    for (int y = GAP; y < GAP + SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        if (a.getRGB(GAP + i * (SIDE + GAP) + x, y) != b.getRGB(GAP + j * (SIDE + GAP) + x, y)) {
          return false;
        }
      }
    }
    return true;
  }
}
