package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.quote;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class-conditional run through the command line: the tiny data with labels of three named
 * classes, a model with {@code model.classes = 3} and an iMap layer, trained once for the class;
 * the class names it records, evaluate per class, {@code sample --class}, the other commands that
 * run the model (reconstruct, attention, check, bench, fid), and one-line errors for a wrong class,
 * an unconditional run and data that cannot condition the model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionalRunTest {
  private static final String STEP = "[ { type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8 }, { type = imap } ]";
  private static final Pattern CLASS_ROW = Pattern.compile("^  (shirt|shoe|bag)\\s+(\\d+)\\s+(\\S+)$", Pattern.MULTILINE);
  @TempDir static Path tmp;
  private Harness.TinyData data;
  private Path labelled;
  private Path conditional;

  @BeforeAll
  void trainAConditionalRun() throws IOException {
    data = Harness.tinyData(tmp.resolve("data"));
    Path trainLabels = tmp.resolve("data/train-labels.gz");
    Path testLabels = tmp.resolve("data/test-labels.gz");
    Harness.writeIdxLabels(trainLabels, 64, 3, 3);
    Harness.writeIdxLabels(testLabels, 32, 3, 4);
    labelled = tmp.resolve("labelled.conf");
    Files.writeString(labelled, Harness.tinyConfig(data, STEP) + "data.dataset { train-labels = " + quote(trainLabels)
        + ", test-labels = " + quote(testLabels) + ", classes = 3, class-names = [shirt, shoe, bag] }\n");
    conditional = tmp.resolve("conditional");
    assertOk(run("train", "-c", labelled.toString(), "--set", "model.classes = 3", "--out", conditional.toString()));
  }

  @Test
  void theRunRecordsItsClassNames() throws IOException {
    assertEquals(List.of("shirt", "shoe", "bag"), Files.readAllLines(conditional.resolve("classes.txt")));
  }

  @Test
  void evaluateReportsEachClass() {
    String out = assertOk(run("evaluate", conditional.toString())).out();
    assertTrue(out.contains("(95% CI, 32 test images); weights: raw\n  class    images  bits/dim\n"), out);
    Matcher rows = CLASS_ROW.matcher(out);
    int images = 0;
    int classes = 0;
    while (rows.find()) {
      images += Integer.parseInt(rows.group(2));
      assertTrue(Double.isFinite(Double.parseDouble(rows.group(3))), out);
      classes++;
    }
    assertEquals(3, classes, out);
    assertEquals(32, images, "every test image counts in its class: " + out);
  }

  @Test
  void sampleDrawsAClassByNameOrIndex() throws IOException {
    Path byName = tmp.resolve("shoe.png");
    Path byIndex = tmp.resolve("one.png");
    String out = assertOk(run("sample", conditional.toString(), "--n", "4", "--class", "shoe", "--out", byName.toString())).out();
    assertOk(run("sample", conditional.toString(), "--n", "4", "--class", "1", "--out", byIndex.toString()));

    assertTrue(out.contains("wrote 4 samples per temperature [0.7] of class 1 (shoe) to "), out);
    assertArrayEquals(Files.readAllBytes(byName), Files.readAllBytes(byIndex));
  }

  @Test
  void sampleAllDrawsARowBlockPerClassAndWithoutAClassIsClassBalanced() throws IOException {
    Path all = tmp.resolve("all.png");
    String out = assertOk(run("sample", conditional.toString(), "--n", "2", "--class", "all", "--out", all.toString())).out();
    BufferedImage grid = ImageIO.read(all.toFile());

    assertTrue(out.contains("wrote 2 samples per temperature [0.7] of each of the 3 classes, a block of rows per class"), out);
    assertEquals(2 + 3 * 10, grid.getHeight(), "three rows of 8×8 samples with 2-pixel gaps");
    assertEquals(2 + 2 * 10, grid.getWidth(), "two samples per row");
    String balanced = assertOk(run("sample", conditional.toString(), "--n", "3", "--out", tmp.resolve("b.png").toString())).out();
    assertTrue(balanced.contains("(class-balanced: sample i of class i mod 3)"), balanced);
  }

  @Test
  void aClassOutsideTheRunIsAOneLineUsageErrorNamingTheValidClasses() {
    for (String wrong : List.of("3", "-1", "hat")) {
      String line = assertOneLineError(run("sample", conditional.toString(), "--class", wrong, "--out", tmp.resolve("w.png").toString()),
          Cli.USAGE);
      assertTrue(line.contains("--class: expected all, a class index 0..2 or a class name (shirt, shoe, bag), found \"" + wrong + "\""),
          line);
    }
  }

  @Test
  void classGivenToAnUnconditionalRunIsAOneLineUsageError() {
    Path unconditional = tmp.resolve("unconditional");
    assertOk(run("train", "-c", labelled.toString(), "--steps", "1", "--out", unconditional.toString()));

    String line = assertOneLineError(run("sample", unconditional.toString(), "--class", "1", "--out", tmp.resolve("u.png").toString()),
        Cli.USAGE);

    assertTrue(line.contains("--class: the run's model is unconditional (model.classes = 0), so it has no class to draw"), line);
    String marginal = assertOneLineError(run("evaluate", unconditional.toString(), "--marginal"), Cli.USAGE);
    assertTrue(marginal.contains("--marginal: the run's model is unconditional (model.classes = 0)"), marginal);
  }

  @Test
  void evaluateGivesTheMarginalOverClassesOnRequest() {
    String out = assertOk(run("evaluate", conditional.toString(), "--marginal")).out();
    Matcher m = Pattern.compile("marginal over the 3 classes, −log₂ p\\(x\\) with p\\(x\\) = Σ_y p\\(x \\| y\\)/K: test ([0-9.]+) ± [0-9.]+ bits/dim"
        + " \\(95% CI, 32 test images\\)\n").matcher(out);
    assertTrue(m.find(), out);
    Matcher given = Pattern.compile("test ([0-9.]+) ± ").matcher(out);
    assertTrue(given.find(), out);
    // p(x) ≥ p(x | y)/3: at most log₂3 bits more over the run's 1×8×8 = 64 dimensions, on average over the images
    assertTrue(Double.parseDouble(m.group(1)) <= Double.parseDouble(given.group(1)) + Math.log(3) / Math.log(2) / 64 + 1e-3, out);
  }

  @Test
  void theOtherCommandsRunTheConditionalModelOnLabelledImages() {
    String reconstruct = assertOk(run("reconstruct", conditional.toString(), "--n", "4")).out();
    assertTrue(reconstruct.contains("reconstructed 4 of 32 test images"), reconstruct);
    assertOk(run("attention", conditional.toString(), "--image", "2", "--out", tmp.resolve("attention").toString()));
    String check = assertOk(run("check", labelled.toString(), "--set", "model.classes = 3")).out();
    assertTrue(check.contains("classes        3 (class-conditional"), check);
  }

  @Test
  void benchAndFidRunAConditionalModel() {
    String bench = assertOk(run("bench", labelled.toString(), "--set", "model.classes = 3", "--steps", "63", "--eval")).out();
    assertTrue(bench.contains("\"test_bpd\": "), bench);
    Path pool = Harness.repo("flow-cli", "src", "test", "resources", "fid", "pool-features.pt");
    String fid = assertOk(run("fid", conditional.toString(), "--features", pool.toString(), "--n", "32", "--batch-size", "16")).out();
    assertTrue(fid.startsWith("FD_fixture-pool = "), fid);
  }

  @Test
  void aConditionalModelOnUnlabelledDataIsAConfigurationErrorAtModelClasses() throws IOException {
    Path plain = Harness.writeTinyConfig(Files.createDirectories(tmp.resolve("plain")), data);
    String line = assertOneLineError(run("train", "-c", plain.toString(), "--set", "model.classes = 3", "--out",
        tmp.resolve("nolabels").toString()), Cli.FAILED);

    assertTrue(line.contains("model.classes: a class-conditional model (classes = 3) needs labelled data, but the dataset "
        + data.train() + " has no labels"), line);
  }

  @Test
  void aClassCountOtherThanTheDatasetsIsAConfigurationErrorNamingBoth() {
    String line = assertOneLineError(run("train", "-c", labelled.toString(), "--set", "model.classes = 4", "--out",
        tmp.resolve("four").toString()), Cli.FAILED);

    assertTrue(line.contains("model.classes: expected the number of classes of the dataset " + data.train()
        + ", found classes = 4 but the dataset has 3 classes"), line);
  }
}
