package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each configuration mistake is reported on one line as {@code file:line: key.path: problem},
 * where the line is the one with the mistake. The files are written with the mistake on a known
 * line and checked with {@code attnflow check} (or {@code train} where check does not read a block).
 */
class ConfigErrorTest {
  @TempDir Path tmp;
  private Harness.TinyData data;

  @BeforeEach
  void data() throws IOException {
    data = Harness.tinyData(tmp.resolve("data"));
  }

  /** A file whose text is the tiny configuration with {@code step} as the step list, plus {@code extra}. */
  private Path write(String name, String step, String extra) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, Harness.tinyConfig(data, step) + extra);
    return file;
  }

  /** The 1-based line of the first line of {@code file} containing {@code marker} (which must be unique). */
  private static int lineOf(Path file, String marker) throws IOException {
    List<String> lines = Files.readAllLines(file);
    int found = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        assertTrue(found < 0, "marker " + marker + " is not unique");
        found = i + 1;
      }
    }
    assertTrue(found > 0, "marker " + marker + " not found");
    return found;
  }

  /** Runs {@code attnflow args} expecting exit 1 and one error line at {@code file:line} naming {@code path}. */
  private static String expectError(Path file, int line, String path, String... args) {
    String message = assertOneLineError(run(args), Cli.FAILED);
    String where = file.getFileName() + ":" + line + ": ";
    assertTrue(message.contains(where), () -> "expected " + where + " in: " + message);
    assertTrue(message.contains(path), () -> "expected the key path " + path + " in: " + message);
    return message;
  }

  private static String multiLineStep(String third) {
    return "[\n    { type = actnorm }\n    { type = invconv }\n    " + third + "\n  ]";
  }

  @Test
  void unknownLayerTypeListsTheKnownTypes() throws IOException {
    Path file = write("type.conf", multiLineStep("{ type = affine-cuopling, hidden = 8 }"), "");
    String m = expectError(file, lineOf(file, "cuopling"), "model.step[2].type", "check", file.toString());
    assertTrue(m.contains("unknown layer type \"affine-cuopling\""), m);
    for (String known : List.of("actnorm", "affine-coupling", "invconv", "imap", "itrans")) {
      assertTrue(m.contains(known), () -> "the message should list " + known + ": " + m);
    }
  }

  @Test
  void unknownKeyInALayerBlockListsTheKnownKeys() throws IOException {
    Path file = write("key.conf", multiLineStep("{ type = affine-coupling, hiden = 8 }"), "");
    String m = expectError(file, lineOf(file, "hiden"), "model.step[2].hiden", "check", file.toString());
    assertTrue(m.contains("unknown key") && m.contains("hidden") && m.contains("affine-coupling"), m);
  }

  @Test
  void wrongTypeSaysWhatWasExpectedAndFound() throws IOException {
    Path file = write("wrongtype.conf", multiLineStep("{ type = affine-coupling, hidden = \"wide\" }"), "");
    String m = expectError(file, lineOf(file, "wide"), "model.step[2].hidden", "check", file.toString());
    assertTrue(m.contains("expected an integer"), m);
    assertTrue(m.contains("wide"), m);
  }

  @Test
  void fractionWhereAnIntegerIsExpected() throws IOException {
    Path file = write("fraction.conf", multiLineStep("{ type = affine-coupling, hidden = 8.5 }"), "");
    String m = expectError(file, lineOf(file, "hidden = 8.5"), "model.step[2].hidden", "check", file.toString());
    assertTrue(m.contains("expected an integer") && m.contains("8.5"), m);
  }

  @Test
  void stepEntryWithoutTypeIsAMissingKey() throws IOException {
    Path file = write("notype.conf", multiLineStep("{ hidden = 8 }"), "");
    String m = expectError(file, lineOf(file, "{ hidden = 8 }"), "model.step[2].type", "check", file.toString());
    assertTrue(m.contains("missing required key"), m);
  }

  @Test
  void stepEntryThatIsNotABlock() throws IOException {
    Path file = write("notblock.conf", multiLineStep("actnorm"), "");
    String m = expectError(file, lineOf(file, "    actnorm"), "model.step[2]", "check", file.toString());
    assertTrue(m.contains("expected a block"), m);
  }

  @Test
  void unknownTopLevelKey() throws IOException {
    Path file = write("top.conf", Harness.GLOW_STEP, "trian {\n  steps = 5\n}\n");
    String m = expectError(file, lineOf(file, "trian"), "trian", "check", file.toString());
    assertTrue(m.contains("unknown key") && m.contains("train") && m.contains("model"), m);
  }

  @Test
  void unknownKeyInTheModelBlock() throws IOException {
    Path file = write("model.conf", Harness.GLOW_STEP, "model.levles = 2\n");
    String m = expectError(file, lineOf(file, "levles"), "model.levles", "check", file.toString());
    assertTrue(m.contains("levels"), m);
  }

  @Test
  void unknownKeyInTheTrainBlock() throws IOException {
    Path file = write("train.conf", Harness.GLOW_STEP, "train {\n  stpes = 5\n}\n");
    String m = expectError(file, lineOf(file, "stpes"), "train.stpes", "check", file.toString());
    assertTrue(m.contains("unknown key") && m.contains("batch-size"), m);
  }

  @Test
  void outOfRangeTrainingValuesAreErrorsAtTheirLine() throws IOException {
    for (String[] mistake : List.of(
        new String[] {"beta1 = -1", "train.beta1", "expected a decay rate in [0, 1), found -1.0"},
        new String[] {"beta2 = 1", "train.beta2", "expected a decay rate in [0, 1), found 1.0"},
        new String[] {"clip-grad-norm = -1", "train.clip-grad-norm", "expected a finite number ≥ 0, found -1.0"},
        new String[] {"sample-temperatures = [0.7, -0.5]", "train.sample-temperatures", "found -0.5 at index 1"},
        new String[] {"divergence-bpd = 0", "train.divergence-bpd", "expected a positive number, found 0.0"})) {
      Path file = write("range.conf", Harness.GLOW_STEP, "train {\n  " + mistake[0] + "\n}\n");
      String m = expectError(file, lineOf(file, mistake[0]), mistake[1], "check", file.toString());
      assertTrue(m.contains(mistake[2]), m);
    }
  }

  @Test
  void aPluginsKeyThatNamesNoFolderIsAnErrorAtItsLine() throws IOException {
    Path file = write("plugins.conf", Harness.GLOW_STEP, "plugins = \"nowhere/jars\"\n");
    String m = expectError(file, lineOf(file, "nowhere"), "plugins", "check", file.toString());
    assertTrue(m.contains("expected a folder of plugin jars, found nowhere/jars, which does not exist"), m);
  }

  @Test
  void aRunDirectoryUnderAFileIsRefusedWithTheReason() throws IOException {
    Path file = write("out.conf", Harness.GLOW_STEP, "");
    Path blocker = Files.writeString(tmp.resolve("blocker"), "x");
    String m = assertOneLineError(run("train", "-c", file.toString(), "--out", blocker.resolve("run").toString()), Cli.FAILED);
    assertTrue(m.contains("cannot write " + blocker.resolve("run").resolve("config.conf") + ": " + blocker + " is not a folder"), m);
  }

  /** The data-block mistakes, each with the marker of its line and the key path in the message. */
  private record DataMistake(String name, String text, String marker, String path, String detail) {}

  private static final List<DataMistake> DATA_MISTAKES = List.of(
      new DataMistake("data.conf", "data {\n  padd = 0\n}\n", "padd", "data.padd", "known keys: dataset, flip, noise, pad"),
      new DataMistake("dataset.conf", "data.dataset.trian = \"x.gz\"\n", "trian", "data.dataset.trian", "known keys: channels, class-names, classes, pad-to, test, test-labels, train, train-labels, type"),
      new DataMistake("nodata.conf", "data.dataset.test = \"nowhere/t10k.gz\"\n", "nowhere", "data.dataset.test", "nowhere/t10k.gz"));

  /**
   * Data-block mistakes (unknown key in data, unknown key in the dataset block, a missing data file)
   * are found when train builds the data pipeline, and reported at their file and line.
   */
  @Test
  void dataBlockMistakesFailTrainingAtTheirLine() throws IOException {
    for (DataMistake d : DATA_MISTAKES) {
      Path file = write(d.name(), Harness.GLOW_STEP, d.text());
      Harness.Result r = run("train", "-c", file.toString(), "--out", tmp.resolve("run-" + d.name()).toString());
      assertTrue(r.status() == Cli.FAILED, r::toString);
      String where = file.getFileName() + ":" + lineOf(file, d.marker()) + ": " + d.path() + ": ";
      assertTrue(r.err().contains(where), () -> "expected " + where + " in " + r);
      assertTrue(r.err().contains(d.detail()), () -> "expected " + d.detail() + " in " + r);
    }
  }

  /** The same mistakes as clean one-line errors. */
  @Test
  void dataBlockMistakesAreCleanOneLineErrors() throws IOException {
    for (DataMistake d : DATA_MISTAKES) {
      Path file = write("clean-" + d.name(), Harness.GLOW_STEP, d.text());
      String m = expectError(file, lineOf(file, d.marker()), d.path(),
          "train", "-c", file.toString(), "--out", tmp.resolve("clean-run-" + d.name()).toString());
      assertTrue(m.startsWith("attnflow train: error: " + file), m);
    }
  }

  @Test
  void unknownKeyInTheDataBlockFailsCheck() throws IOException {
    Path file = write("data-check.conf", Harness.GLOW_STEP, "data {\n  padd = 0\n}\n");
    expectError(file, lineOf(file, "padd"), "data.padd", "check", file.toString());
  }

  /** check validates the data block as train does, but without opening the dataset files. */
  @Test
  void dataBlockValuesFailCheckAtTheirLine() throws IOException {
    List<DataMistake> mistakes = List.of(
        new DataMistake("type-check.conf", "data.dataset.type = idxx\n", "idxx", "data.dataset.type", "known dataset types: idx"),
        new DataMistake("key-check.conf", "data.dataset.trian = \"x.gz\"\n", "trian", "data.dataset.trian", "known keys: channels, class-names, classes, pad-to, test, test-labels, train, train-labels, type"),
        new DataMistake("pad-check.conf", "data.pad = -1\n", "pad = -1", "data.pad", "expected an integer ≥ 0, found -1"));
    for (DataMistake d : mistakes) {
      Path file = write(d.name(), Harness.GLOW_STEP, d.text());
      String m = expectError(file, lineOf(file, d.marker()), d.path(), "check", file.toString());
      assertTrue(m.contains(d.detail()), m);
    }
  }

  @Test
  void wrongTypeInTheTrainBlockFailsTraining() throws IOException {
    Path file = write("trainvalue.conf", Harness.GLOW_STEP, "train.batch-size = \"big\"\n");
    String m = expectError(file, lineOf(file, "big"), "train.batch-size",
        "train", "-c", file.toString(), "--out", tmp.resolve("run").toString());
    assertTrue(m.contains("expected an integer"), m);
  }

  @Test
  void wrongTypeInTheTrainBlockFailsCheck() throws IOException {
    Path file = write("trainvalue-check.conf", Harness.GLOW_STEP, "train.batch-size = \"big\"\n");
    expectError(file, lineOf(file, "big"), "train.batch-size", "check", file.toString());
  }

  @Test
  void setWithAWrongTypeNamesTheSetArgument() throws IOException {
    Path file = write("set.conf", Harness.GLOW_STEP, "");
    String m = assertOneLineError(run("check", file.toString(), "--set", "model.levels=many"), Cli.FAILED);
    assertTrue(m.contains("--set model.levels=many"), m);
    assertTrue(m.contains("model.levels"), m);
    assertTrue(m.contains("expected an integer"), m);
  }

  @Test
  void setWithAnUnknownKeyNamesTheSetArgument() throws IOException {
    Path file = write("setkey.conf", Harness.GLOW_STEP, "");
    String m = assertOneLineError(run("check", file.toString(), "--set", "model.stpes=2"), Cli.FAILED);
    assertTrue(m.contains("--set model.stpes=2") && m.contains("model.stpes") && m.contains("unknown key"), m);
  }

  @Test
  void wrongInputShape() throws IOException {
    Path file = write("input.conf", Harness.GLOW_STEP, "model.input = [8, 8]\n");
    String m = expectError(file, lineOf(file, "model.input"), "model.input", "check", file.toString());
    assertTrue(m.contains("expected [channels, height, width]"), m);
  }

  @Test
  void zeroInputDimensionNamesTheInputAtItsLine() throws IOException {
    Path file = write("zero.conf", Harness.GLOW_STEP, "model.input = [0, 32, 32]\n");
    String m = expectError(file, lineOf(file, "[0, 32, 32]"), "model.input", "check", file.toString());
    assertTrue(m.contains("positive dimensions, found 0×32×32"), m);
  }

  @Test
  void inputWithMoreValuesThanAnArrayHoldsIsTooLarge() throws IOException {
    Path file = write("wide.conf", Harness.GLOW_STEP, "model.input = [1, 65536, 65536]\n");
    String m = expectError(file, lineOf(file, "model.input = [1, 65536"), "model.input", "check", file.toString());
    assertTrue(m.contains("4294967296 values per sample") && m.contains("too large"), m);
  }

  @Test
  void integerBeyondTheIntRangeIsTooLarge() throws IOException {
    Path file = write("huge.conf", Harness.GLOW_STEP, "model.levels = 3000000000\n");
    String m = expectError(file, lineOf(file, "= 3000000000"), "model.levels", "check", file.toString());
    assertTrue(m.contains("found 3000000000 (too large in magnitude)"), m);
  }

  @Test
  void hiddenWidthWhoseParametersCannotExistNamesTheKey() throws IOException {
    Path file = write("hidden.conf", multiLineStep("{ type = affine-coupling, hidden = 2000000000 }"), "");
    String m = expectError(file, lineOf(file, "= 2000000000"), "model.step[2].hidden", "check", file.toString());
    assertTrue(m.contains("2000000000 is too large") && m.contains("more than one array holds"), m);
  }

  @Test
  void architectureThatDoesNotFitNamesTheLayer() throws IOException {
    // 1×6×6 → squeeze → 4×3×3: the second level cannot squeeze an odd size
    Path file = write("odd.conf", Harness.GLOW_STEP, "model.input = [1, 6, 6]\n");
    String m = assertOneLineError(run("check", file.toString()), Cli.FAILED);
    assertTrue(m.contains("model.levels[1].squeeze"), m);
  }

  @Test
  void architectureErrorPointsAtTheUsersFile() throws IOException {
    Path file = write("odd-line.conf", Harness.GLOW_STEP, "model.input = [1, 6, 6]\n");
    String m = assertOneLineError(run("check", file.toString()), Cli.FAILED);
    assertTrue(m.contains("odd-line.conf:"), m);
  }

  @Test
  void unknownMaskTypeInANestedBlock() throws IOException {
    Path file = write("mask.conf", multiLineStep("{ type = imap, mask { type = chekerboard } }"), "");
    String m = expectError(file, lineOf(file, "chekerboard"), "mask.type", "check", file.toString());
    assertTrue(m.contains("checkerboard"), m);
  }

  @Test
  void missingIncludeNamesTheIncludeAndTheFile() throws IOException {
    for (String statement : List.of("include \"nothere.conf\"", "include required(\"nothere.conf\")", "include file(\"nothere.conf\")")) {
      Path file = tmp.resolve("include.conf");
      Files.writeString(file, statement + "\n" + Harness.tinyConfig(data, Harness.GLOW_STEP));
      String m = assertOneLineError(run("check", file.toString()), Cli.FAILED);
      assertTrue(m.contains(file + ": include ") && m.contains("nothere.conf") && m.contains("was not found"), m);
    }
  }

  /** A nested include is found next to the file that includes it, and a mistake in it is reported at its own line. */
  @Test
  void includedFilesAreReadAndTheirMistakesLocated() throws IOException {
    Files.createDirectories(tmp.resolve("sub"));
    Files.writeString(tmp.resolve("sub/levels.conf"), "# levels\nmodel.levles = 2\n");
    Files.writeString(tmp.resolve("sub/mid.conf"), "include \"levels.conf\"\n");
    Path file = tmp.resolve("outer.conf");
    Files.writeString(file, Harness.tinyConfig(data, Harness.GLOW_STEP) + "include \"sub/mid.conf\"\n");
    String m = assertOneLineError(run("check", file.toString()), Cli.FAILED);
    assertTrue(m.contains("levels.conf:2: model.levles: unknown key"), m);
  }

  @Test
  void invalidDeviceName() throws IOException {
    Path file = write("device.conf", Harness.GLOW_STEP, "device = tpu\n");
    String m = expectError(file, lineOf(file, "tpu"), "device", "check", file.toString());
    assertTrue(m.contains("auto, cpu, gpu"), m);
  }
}
