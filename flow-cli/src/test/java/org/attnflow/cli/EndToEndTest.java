package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.attnflow.api.registry.Registry;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.config.OptimizerRule;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.MetricsLog;
import org.attnflow.models.training.Optimizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains a tiny model through the command line and uses the run: evaluate, sample, reconstruct,
 * resume (which must continue exactly), and a corrupt checkpoint. One six-step run ({@code A}) is
 * trained once for the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
  @TempDir static Path tmp;
  private Harness.TinyData data;
  private Path config;
  private Path runA;
  private Harness.Result trainA;

  @BeforeAll
  void trainRunA() throws IOException {
    data = Harness.tinyData(tmp.resolve("data"));
    config = Harness.writeTinyConfig(tmp, data);
    runA = tmp.resolve("A");
    trainA = run("train", "-c", config.toString(), "--steps", "6", "--out", runA.toString());
  }

  @Test
  void trainingSucceedsAndReports() {
    assertOk(trainA);
    String out = trainA.out();
    assertTrue(out.contains("training at step 0 of 6"), out);
    for (int step = 1; step <= 6; step++) {
      assertTrue(out.contains("step " + step + "/6  train "), "log-every = 1 should log step " + step + ": " + out);
    }
    assertTrue(out.contains("step 3: test ") && out.contains("step 6: test "), out);
    assertTrue(out.contains("final test ") && out.contains("bits/dim"), out);
  }

  @Test
  void runDirectoryHoldsEverything() throws IOException {
    assertOk(trainA);
    for (String name : List.of("config.conf", "metrics.csv", "checkpoint-latest.ckpt", "checkpoint-best.ckpt",
        "checkpoint-0000003.ckpt", "checkpoint-0000006.ckpt", "training-curve.png")) {
      assertTrue(Files.isRegularFile(runA.resolve(name)) && Files.size(runA.resolve(name)) > 0, name);
    }
    List<Path> samples;
    try (Stream<Path> s = Files.list(runA.resolve("samples"))) {
      samples = s.filter(p -> p.toString().endsWith(".png")).sorted().collect(Collectors.toList());
    }
    // one grid per evaluation (one temperature): steps 3 and 6, and step 0 when the trainer evaluates before training
    assertEquals(testSteps(runA).size(), samples.size(), samples::toString);
    for (long step : testSteps(runA)) {
      assertTrue(Files.isRegularFile(runA.resolve("samples").resolve(String.format("step%07d-t0.70.png", step))),
          () -> "no sample grid for step " + step + ": " + samples);
    }
    for (Path png : samples) {
      BufferedImage img = ImageIO.read(png.toFile());
      assertNotNull(img, png::toString);
      assertEquals(22, img.getWidth(), "2×2 grid of 8×8 samples with 2-pixel gaps");
    }
    BufferedImage curve = ImageIO.read(runA.resolve("training-curve.png").toFile());
    assertNotNull(curve);
    assertTrue(curve.getWidth() > 100 && curve.getHeight() > 100);
    // no temporary files are left behind by the atomic writes
    try (Stream<Path> s = Files.list(runA)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
    // the saved configuration is the resolved one and loads again
    String saved = Files.readString(runA.resolve("config.conf"));
    assertEquals(6, ConfigFactory.parseString(saved).resolve().getInt("train.steps"));
    assertEquals(8, ConfigFactory.parseString(saved).resolve().getInt("train.batch-size"));
  }

  @Test
  void metricsHaveAHeaderAndOneRowPerLoggedStepAndEvaluation() throws IOException {
    assertOk(trainA);
    List<String> lines = Files.readAllLines(runA.resolve("metrics.csv"));
    assertEquals(MetricsLog.HEADER, lines.get(0));
    List<String> phases = lines.subList(1, lines.size()).stream()
        .map(l -> l.split(",")[0] + ":" + l.split(",")[1]).collect(Collectors.toList());
    List<String> expected = List.of("1:train", "2:train", "3:train", "3:test", "4:train", "5:train", "6:train", "6:test");
    // the trainer may also evaluate the initialised model before the first step
    assertTrue(phases.equals(expected) || phases.equals(concat(List.of("0:test"), expected)), phases::toString);
    for (String l : lines.subList(1, lines.size())) {
      double bpd = Double.parseDouble(l.split(",")[2]);
      assertTrue(bpd > 0 && bpd < 20, l); // random bytes: about 8 bits/dim
    }
  }

  @Test
  void evaluatePrintsBitsPerDim() throws IOException {
    Harness.Result r = assertOk(run("evaluate", runA.toString()));
    assertTrue(r.out().contains("bits/dim"), r::toString);
    assertTrue(r.out().contains("(95% CI, 32 test images)"), r::toString);
    assertTrue(r.out().contains("checkpoint-best.ckpt"), r::toString);

    // the latest checkpoint evaluates to the test row of step 6 in metrics.csv (same seed and draw)
    Harness.Result latest = assertOk(run("evaluate", runA.toString(), "--checkpoint", "latest"));
    double printed = bitsPerDim(latest.out());
    double logged = testBpd(runA, 6);
    assertEquals(logged, printed, 1e-4, latest::toString);
    // and is deterministic
    assertEquals(printed, bitsPerDim(assertOk(run("evaluate", runA.toString(), "--checkpoint", "latest")).out()));
    // --limit
    assertTrue(assertOk(run("evaluate", runA.toString(), "--limit", "5")).out().contains("(95% CI, 5 of 32 test images, uniform sample seed 0)"));
  }

  @Test
  void aRunWithAMovingAverageUsesItAndSaysSoWhereARunWithoutSaysRaw() throws IOException {
    assertTrue(assertOk(run("evaluate", runA.toString())).out().endsWith("; weights: raw\n"), "a run without train.ema-decay");
    Path averaged = tmp.resolve("ema");
    Harness.Result trained = assertOk(run("train", "-c", config.toString(), "--steps", "3", "--out", averaged.toString(),
        "--set", "train.ema-decay = 0.9", "--set", "train.accumulate = 2", "--set", "train.schedule { type = cosine }"));
    assertTrue(trained.out().contains("step 3: test ") && trained.out().contains("; weights: ema 0.9\n"), trained::toString);
    assertTrue(assertOk(run("evaluate", averaged.toString())).out().endsWith("; weights: ema 0.9\n"));
    Harness.Result sampled = assertOk(run("sample", averaged.toString(), "--n", "4", "--out", tmp.resolve("ema.png").toString()));
    assertTrue(sampled.out().contains("; weights: ema 0.9"), sampled::toString);
    Harness.Result reconstructed = assertOk(run("reconstruct", averaged.toString(), "--n", "4"));
    assertTrue(reconstructed.out().contains("(weights: ema 0.9)"), reconstructed::toString);
  }

  @Test
  void evaluateAnExplicitCheckpointFile() {
    Path numbered = runA.resolve("checkpoint-0000003.ckpt");
    Harness.Result r = assertOk(run("evaluate", runA.toString(), "--checkpoint", numbered.toString()));
    assertTrue(r.out().startsWith(numbered.toString()), r::toString);
    String line = assertOneLineError(run("evaluate", runA.toString(), "--checkpoint", tmp.resolve("none.ckpt").toString()), Cli.FAILED);
    assertTrue(line.contains("does not exist"), line);
  }

  @Test
  void sampleWritesAPngGrid() throws IOException {
    Path png = tmp.resolve("x.png");
    Harness.Result r = assertOk(run("sample", runA.toString(), "--n", "4", "--temperature", "0.7", "--out", png.toString()));
    assertTrue(r.out().contains("wrote 4 samples"), r::toString);
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img, "not a PNG ImageIO can read");
    assertEquals(22, img.getWidth());
    assertEquals(22, img.getHeight());
    // the same seed gives the same picture
    Path again = tmp.resolve("x-again.png");
    assertOk(run("sample", runA.toString(), "--n", "4", "--temperature", "0.7", "--out", again.toString()));
    assertArrayEquals(pixels(img), pixels(ImageIO.read(again.toFile())));
  }

  @Test
  void sampleATemperatureSweep() throws IOException {
    Path png = tmp.resolve("y.png");
    assertOk(run("sample", runA.toString(), "--n", "4", "--temperatures", "0.5,1.0", "--out", png.toString()));
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img);
    assertEquals(2 + 4 * 10, img.getWidth(), "four samples per row");
    assertEquals(2 + 2 * 10, img.getHeight(), "one row per temperature");
  }

  @Test
  void sampleAtTemperatureZeroIsTheMode() throws IOException {
    Path png = tmp.resolve("zero.png");
    assertOk(run("sample", runA.toString(), "--n", "2", "--temperature", "0", "--seed", "1", "--out", png.toString()));
    Path other = tmp.resolve("zero-other-seed.png");
    assertOk(run("sample", runA.toString(), "--n", "2", "--temperature", "0", "--seed", "2", "--out", other.toString()));
    assertArrayEquals(pixels(ImageIO.read(png.toFile())), pixels(ImageIO.read(other.toFile())),
        "at T = 0 the noise seed must not matter");
  }

  @Test
  void reconstructInvertsTheModel() throws IOException {
    Path png = tmp.resolve("rec.png");
    Harness.Result r = assertOk(run("reconstruct", runA.toString(), "--n", "4", "--out", png.toString()));
    Matcher m = Pattern.compile("reconstructed 4 of 32 test images, uniform sample seed 0: max \\|x − f⁻¹\\(f\\(x\\)\\)\\| = (\\S+)").matcher(r.out());
    assertTrue(m.find(), r::toString);
    double error = Double.parseDouble(m.group(1));
    assertTrue(error < 1e-3, "max error " + error);
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img);
    assertEquals(2 + 2 * 10, img.getHeight(), "originals above reconstructions");
  }

  @Test
  void resumeContinuesExactly() throws IOException {
    assertOk(trainA);
    Path runB = tmp.resolve("B");
    assertOk(run("train", "-c", config.toString(), "--steps", "3", "--out", runB.toString()));
    assertEquals(3, Checkpoint.readHeader(runB.resolve("checkpoint-latest.ckpt")).step());
    Harness.Result resumed = assertOk(run("train", "--resume", runB.toString(), "--steps", "6"));
    assertTrue(resumed.out().contains("resuming at step 3 of 6"), resumed::toString);
    assertEquals(6, Checkpoint.readHeader(runB.resolve("checkpoint-latest.ckpt")).step());

    Map<String, float[]> a = parameters(runA.resolve("checkpoint-latest.ckpt"));
    Map<String, float[]> b = parameters(runB.resolve("checkpoint-latest.ckpt"));
    assertEquals(a.keySet(), b.keySet());
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name), b.get(name), "parameter " + name + " differs after resuming");
    }
    // training changed the parameters (the comparison above is not vacuous)
    Map<String, float[]> at3 = parameters(runA.resolve("checkpoint-0000003.ckpt"));
    assertTrue(a.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(a.get(k), at3.get(k))));

    // the metrics are one trajectory: the same rows and values (apart from timings)
    assertEquals(metricValues(runA), metricValues(runB));
  }

  @Test
  void latestCheckpointKnowsTheBestSoFar() {
    Checkpoint latest = Checkpoint.readHeader(runA.resolve("checkpoint-latest.ckpt"));
    Checkpoint best = Checkpoint.readHeader(runA.resolve("checkpoint-best.ckpt"));
    double bestSoFar = testSteps(runA).stream().mapToDouble(step -> testBpdUnchecked(runA, step)).min().orElseThrow();
    assertEquals(bestSoFar, best.bestBpd(), 1e-5);
    assertEquals(best.bestBpd(), latest.bestBpd(), 1e-9, "latest checkpoint's best bits/dim");
  }

  @Test
  void resumeOfAFinishedRunDoesNothing() throws IOException {
    Path runC = copyRun(runA, "C");
    byte[] before = Files.readAllBytes(runC.resolve("checkpoint-latest.ckpt"));
    Harness.Result r = assertOk(run("train", "--resume", runC.toString()));
    assertTrue(r.out().contains("resuming at step 6 of 6"), r::toString);
    assertArrayEquals(before, Files.readAllBytes(runC.resolve("checkpoint-latest.ckpt")));
    assertEquals(Files.readAllLines(runA.resolve("metrics.csv")), Files.readAllLines(runC.resolve("metrics.csv")));
  }

  @Test
  void resumeRejectsUnknownSetKeys() throws IOException {
    Path runD = copyRun(runA, "D");
    String line = assertOneLineError(run("train", "--resume", runD.toString(), "--set", "train.stpes=9"), Cli.FAILED);
    assertTrue(line.contains("train.stpes"), line);
  }

  @Test
  void truncatedCheckpointIsReportedAsCorrupt() throws IOException {
    Path runE = copyRun(runA, "E");
    Path latest = runE.resolve("checkpoint-latest.ckpt");
    byte[] bytes = Files.readAllBytes(latest);
    Files.write(latest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    String file = latest.toString();
    String line = assertOneLineError(run("evaluate", runE.toString(), "--checkpoint", file), Cli.FAILED);
    assertTrue(line.contains("corrupt") || line.contains("truncated"), line);
    assertTrue(line.contains("checkpoint-latest.ckpt"), line);

    // a flipped byte in the parameters is caught by the checksum
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x55;
    Files.write(latest, flipped);
    line = assertOneLineError(run("evaluate", runE.toString(), "--checkpoint", file), Cli.FAILED);
    assertTrue(line.contains("corrupt"), line);

    // a few bytes only
    Files.write(latest, java.util.Arrays.copyOf(bytes, 10));
    line = assertOneLineError(run("sample", runE.toString(), "--checkpoint", file, "--n", "1", "--out",
        tmp.resolve("never.png").toString()), Cli.FAILED);
    assertTrue(line.contains("truncated"), line);
    assertFalse(Files.exists(tmp.resolve("never.png")));

    // "latest" is the newest valid checkpoint: the numbered one of the same step
    assertOk(run("evaluate", runE.toString(), "--checkpoint", "latest"));

    // resume skips the damaged file with a warning and continues from the newest valid checkpoint
    Harness.Result resumed = assertOk(run("train", "--resume", runE.toString(), "--steps", "7"));
    assertTrue(resumed.out().contains("warning: skipping a damaged checkpoint: checkpoint " + file + " is truncated"), resumed.out());
    assertTrue(resumed.out().contains("resuming at step 6 of 7"), resumed.out());

    // the best checkpoint of the same run is still usable
    assertOk(run("evaluate", runE.toString(), "--checkpoint", "best"));
  }

  /** Writes a checkpoint with A's latest parameters but A's configuration changed by {@code change} (HOCON). */
  private Path mismatchedCheckpoint(String name, String change) {
    Path a = runA.resolve("checkpoint-latest.ckpt");
    Checkpoint header = Checkpoint.readHeader(a);
    String changed = ConfigFactory.parseString(change)
        .withFallback(ConfigFactory.parseString(header.config())).resolve().root()
        .render(com.typesafe.config.ConfigRenderOptions.concise());
    Path crafted = tmp.resolve(name);
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      FlowModel model = load(a, manager);
      Optimizer optimizer = new Optimizer(OptimizerRule.ADAM, 0.9, 0.999, 1e-8, model.trainableParameters(), manager);
      new Checkpoint(header.step(), header.bestBpd(), changed).write(crafted, model, optimizer.state());
    }
    return crafted;
  }

  @Test
  void checkpointWithParametersOfAnotherWidthDoesNotFit() {
    Path crafted = mismatchedCheckpoint("wider.ckpt", "model.step = [ { type = actnorm }, { type = invconv }, "
        + "{ type = affine-coupling, hidden = 16 } ]");
    String line = assertOneLineError(run("evaluate", runA.toString(), "--checkpoint", crafted.toString()), Cli.FAILED);
    assertTrue(line.contains("describes a different model than the run's configuration: model.step[2].hidden is 8 in "
        + runA.resolve("config.conf") + " but 16 in checkpoint " + crafted), line);
  }

  @Test
  void checkpointWithParametersOfMoreLayersDoesNotFit() {
    Path crafted = mismatchedCheckpoint("one-level.ckpt", "model.levels = 1");
    String line = assertOneLineError(run("evaluate", runA.toString(), "--checkpoint", crafted.toString()), Cli.FAILED);
    assertTrue(line.contains("model.levels is 2 in " + runA.resolve("config.conf") + " but 1 in checkpoint"), line);
  }

  @Test
  void relativeDataPathsSurviveTheRunDirectory() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("relative"));
    Files.copy(data.train(), dir.resolve("train.gz"));
    Files.copy(data.test(), dir.resolve("test.gz"));
    String text = Harness.tinyConfig(data, Harness.GLOW_STEP)
        .replace(Harness.quote(data.train()), "\"train.gz\"")
        .replace(Harness.quote(data.test()), "\"test.gz\"");
    Path conf = dir.resolve("relative.conf");
    Files.writeString(conf, text + "train.eval-every = 1\n");
    Path runG = tmp.resolve("G");
    assertOk(run("train", "-c", conf.toString(), "--steps", "1", "--out", runG.toString()));
    assertOk(run("evaluate", runG.toString()));
    assertOk(run("reconstruct", runG.toString(), "--n", "2"));
  }

  /** Trains with an absurd learning rate (no clipping, no warm-up) until the loss is not finite. */
  private Path divergedRun(String name) {
    Path runH = tmp.resolve(name);
    Harness.Result r = run("train", "-c", config.toString(), "--steps", "6", "--out", runH.toString(),
        "--set", "train.learning-rate = 1e12", "--set", "train.clip-grad-norm = 0", "--set", "train.warmup-steps = 0");
    String line = assertOneLineError(r, Cli.FAILED);
    assertTrue(line.contains("is NaN") || line.contains("not finite"), line);
    assertTrue(line.contains("model.levels["), "the message names the layer: " + line);
    assertTrue(Files.isRegularFile(runH.resolve("checkpoint-latest.ckpt")));
    return runH;
  }

  @Test
  void aNonFiniteLossStopsTrainingAndNamesTheLayer() {
    divergedRun("H");
  }

  @Test
  void aNonFiniteLossKeepsTheLastGoodCheckpoint() {
    Path runI = divergedRun("I");
    Harness.Result r = assertOk(run("evaluate", runI.toString(), "--checkpoint", "latest"));
    assertTrue(Double.isFinite(bitsPerDim(r.out())), r::toString);
  }

  @Test
  void dataOfAnotherSizeThanTheModelFailsCleanly() {
    String line = assertOneLineError(run("train", "-c", config.toString(), "--steps", "1",
        "--out", tmp.resolve("J").toString(), "--set", "model.input = [1, 16, 16]"), Cli.FAILED);
    assertTrue(line.contains("1×16×16") && line.contains("8, 1, 8, 8"), line);
  }

  // ---------------------------------------------------------------------------------------------

  private Path copyRun(Path from, String name) throws IOException {
    assertOk(trainA);
    Path to = tmp.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.collect(Collectors.toList())) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  /** The model built from a checkpoint's own configuration, with its parameters. */
  private static FlowModel load(Path checkpoint, NDManager manager) {
    RunConfig config = RunConfig.of(ConfigFactory.parseString(Checkpoint.readHeader(checkpoint).config()).resolve());
    FlowModel model = new ModelFactory(Registry.builtIn()).create(config.block("model"), manager);
    Checkpoint.read(checkpoint).loadInto(model, manager);
    return model;
  }

  /** The parameters stored in a checkpoint, by name. */
  private static Map<String, float[]> parameters(Path checkpoint) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      FlowModel model = load(checkpoint, manager);
      for (Pair<String, Parameter> p : model.getParameters()) {
        out.put(p.getKey(), p.getValue().getArray().toFloatArray());
      }
    }
    assertFalse(out.isEmpty());
    return out;
  }

  /** The step, phase and values of every metrics row, without the timing columns. */
  private static List<String> metricValues(Path run) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(run.resolve("metrics.csv"))) {
      String[] f = l.split(",", -1);
      out.add(String.join(",", f[0], f[1], f[2], f[3], f[4], f[5]));
    }
    return out;
  }

  private static double bitsPerDim(String evaluateOutput) {
    Matcher m = Pattern.compile("test (\\d+\\.\\d+|NaN|-?Infinity) ± ").matcher(evaluateOutput);
    assertTrue(m.find(), evaluateOutput);
    return Double.parseDouble(m.group(1));
  }

  /** The steps with a test row in metrics.csv. */
  private static List<Long> testSteps(Path run) {
    try {
      return Files.readAllLines(run.resolve("metrics.csv")).stream()
          .map(l -> l.split(",", -1)).filter(f -> f.length > 1 && f[1].equals("test"))
          .map(f -> Long.parseLong(f[0])).collect(Collectors.toList());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static double testBpd(Path run, long step) throws IOException {
    for (String l : Files.readAllLines(run.resolve("metrics.csv"))) {
      String[] f = l.split(",", -1);
      if (f[0].equals(Long.toString(step)) && f[1].equals("test")) {
        return Double.parseDouble(f[2]);
      }
    }
    throw new AssertionError("no test row for step " + step);
  }

  private static double testBpdUnchecked(Path run, long step) {
    try {
      return testBpd(run, step);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int[] pixels(BufferedImage img) {
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }
}
