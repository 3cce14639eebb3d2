package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.quote;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guided sampling through the command line: a tiny class-conditional TarFlow trained with class
 * dropout, then {@code sample --guidance}: guidance 0 is plain conditional sampling, a positive
 * weight writes other images, of one class or of all, and runs that cannot be guided (no class
 * dropout, no tarflow block, no classes) or a bad weight are one-line usage errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuidanceRunTest {
  private static final String TARFLOW_STEP = "[ { type = actnorm }, { type = tarflow, patch = 2, width = 8, depth = 1, heads = 2, mlp-ratio = 2 } ]";
  private static final String GLOW_STEP = "[ { type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8 } ]";
  private static final String ONE_LEVEL_OF_THREE_CLASSES = "model { levels = 1, classes = 3 }";
  @TempDir static Path tmp;
  private Path tarflow;
  private Path guided;

  @BeforeAll
  void trainATinyConditionalTarFlowWithClassDropout() throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path trainLabels = tmp.resolve("data/train-labels.gz");
    Path testLabels = tmp.resolve("data/test-labels.gz");
    Harness.writeIdxLabels(trainLabels, 64, 3, 3);
    Harness.writeIdxLabels(testLabels, 32, 3, 4);
    String labels = "data.dataset { train-labels = " + quote(trainLabels) + ", test-labels = " + quote(testLabels)
        + ", classes = 3, class-names = [shirt, shoe, bag] }\n";
    tarflow = tmp.resolve("tarflow.conf");
    Files.writeString(tarflow, Harness.tinyConfig(data, TARFLOW_STEP) + labels);
    Files.writeString(tmp.resolve("glow.conf"), Harness.tinyConfig(data, GLOW_STEP) + labels);
    guided = tmp.resolve("guided");
    assertOk(run("train", "-c", tarflow.toString(), "--set", ONE_LEVEL_OF_THREE_CLASSES, "--set", "train.class-dropout = 0.2",
        "--out", guided.toString()));
  }

  @Test
  void guidanceZeroIsPlainConditionalSamplingAndAPositiveWeightWritesOtherImages() throws IOException {
    Path plain = tmp.resolve("plain.png");
    Path zero = tmp.resolve("zero.png");
    Path two = tmp.resolve("two.png");
    assertOk(run("sample", guided.toString(), "--n", "4", "--class", "1", "--out", plain.toString()));
    assertOk(run("sample", guided.toString(), "--n", "4", "--class", "1", "--guidance", "0", "--out", zero.toString()));
    String out = assertOk(run("sample", guided.toString(), "--n", "4", "--class", "1", "--guidance", "2", "--out", two.toString())).out();

    assertTrue(out.contains("wrote 4 samples per temperature [0.7] of class 1 (shoe), guidance 2, to "), out);
    assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(zero));
    assertFalse(Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(two)), "guidance 2 drew the unguided images");
  }

  @Test
  void everyClassCanBeGuided() {
    String out = assertOk(run("sample", guided.toString(), "--n", "2", "--class", "all", "--guidance", "1",
        "--out", tmp.resolve("all.png").toString())).out();
    assertTrue(out.contains("of each of the 3 classes, a block of rows per class in label order, guidance 1, to "), out);
  }

  @Test
  void guidedSamplesOfEveryClassAreDenoisedUnderTheirOwnClass() throws IOException {
    Path noisy = tmp.resolve("noisy");
    assertOk(run("train", "-c", tarflow.toString(), "--set", ONE_LEVEL_OF_THREE_CLASSES, "--set", "train.class-dropout = 0.2",
        "--set", "data.noise = { type = gaussian, sigma = 0.05 }", "--steps", "1", "--out", noisy.toString()));
    Path raw = tmp.resolve("noisy-raw.png");
    Path denoised = tmp.resolve("noisy-denoised.png");
    assertOk(run("sample", noisy.toString(), "--n", "2", "--class", "all", "--guidance", "1", "--out", raw.toString()));
    String out = assertOk(run("sample", noisy.toString(), "--n", "2", "--class", "all", "--guidance", "1", "--denoise",
        "--out", denoised.toString())).out();

    assertTrue(out.contains("guidance 1, denoised, to "), out);
    assertFalse(Arrays.equals(Files.readAllBytes(raw), Files.readAllBytes(denoised)), "--denoise left the class grid as it was");
  }

  @Test
  void aRunTrainedWithoutClassDropoutCannotBeGuided() {
    Path run = tmp.resolve("no-dropout");
    assertOk(run("train", "-c", tarflow.toString(), "--set", ONE_LEVEL_OF_THREE_CLASSES, "--steps", "1", "--out", run.toString()));
    assertRefused(run, "1", "--guidance: the run was trained with train.class-dropout = 0, so its \"no class\" was never trained");
  }

  @Test
  void aRunWithoutATarFlowBlockOrClassesCannotBeGuided() {
    Path glow = tmp.resolve("glow");
    assertOk(run("train", "-c", tmp.resolve("glow.conf").toString(), "--set", "model.classes = 3", "--set", "train.class-dropout = 0.2",
        "--steps", "1", "--out", glow.toString()));
    assertRefused(glow, "1", "--guidance: the run's model has no block that takes guidance (a tarflow block that takes the class)");
    Path unconditional = tmp.resolve("unconditional");
    assertOk(run("train", "-c", tarflow.toString(), "--set", "model.levels = 1", "--steps", "1", "--out", unconditional.toString()));
    assertRefused(unconditional, "1", "--guidance: the run's model is unconditional (model.classes = 0)");
  }

  @Test
  void aNegativeOrNonNumericWeightIsRefused() {
    assertRefused(guided, "-1", "--guidance: expected a finite number ≥ 0, found -1");
    assertRefused(guided, "strong", "--guidance: expected a number ≥ 0, found \"strong\"");
  }

  private static void assertRefused(Path dir, String weight, String expected) {
    String line = assertOneLineError(run("sample", dir.toString(), "--guidance", weight, "--out", tmp.resolve("r.png").toString()), Cli.USAGE);
    assertTrue(line.contains(expected), line);
  }
}
