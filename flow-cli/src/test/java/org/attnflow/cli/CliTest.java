package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command: exit 0 on good input, a one-line error and the right status on bad input. */
class CliTest {
  @TempDir Path tmp;

  @Test
  void theNamesUsedToStartAChildJvmAreTheEntryPoint() {
    assertEquals(Main.class.getName(), org.attnflow.cli.common.Application.MAIN_CLASS);
    assertEquals(Main.class.getModule().isNamed() ? Main.class.getModule().getName() : "org.attnflow.cli",
        org.attnflow.cli.common.Application.MODULE);
  }

  @Test
  void helpListsEveryCommand() {
    Harness.Result r = assertOk(run("--help"));
    for (String command : List.of("train", "evaluate", "sample", "reconstruct", "interpolate", "check", "layers")) {
      assertTrue(r.out().contains("  " + command + " "), () -> "help misses " + command + ": " + r);
    }
  }

  @Test
  void noArgumentsIsAUsageError() {
    Harness.Result r = run();
    assertEquals(Cli.USAGE, r.status(), r::toString);
    assertTrue(r.out().contains("usage: attnflow COMMAND"), r::toString);
  }

  @Test
  void unknownCommandIsAUsageError() {
    String line = assertOneLineError(run("trian"), Cli.USAGE);
    assertTrue(line.contains("unknown command \"trian\""), line);
    assertTrue(line.contains("train"), line);
  }

  @Test
  void unknownOptionIsAUsageError() {
    String line = assertOneLineError(run("layers", "--frobnicate"), Cli.USAGE);
    assertTrue(line.contains("frobnicate"), line);
  }

  @Test
  void commandHelpShowsItsOptions() {
    Harness.Result r = assertOk(run("evaluate", "--help"));
    assertTrue(r.out().contains("--checkpoint"), r::toString);
  }

  @Test
  void sampleHelpWorksWithoutTheRequiredOut() {
    Harness.Result r = assertOk(run("sample", "--help"));
    assertTrue(r.out().contains("--temperature"), r::toString);
  }

  @Test
  void layersListsTheBuiltInPlugins() {
    Harness.Result r = assertOk(run("layers"));
    for (String type : List.of("actnorm", "affine-coupling", "invconv", "squeeze", "split", "imap", "itrans",
        "checkerboard", "standard-normal", "conditional-gaussian", "idx")) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + type + " ")), () -> "layers misses " + type + ": " + r);
    }
    for (String heading : List.of("layers:", "masks:", "priors:", "datasets:")) {
      assertTrue(r.out().lines().anyMatch(heading::equals), () -> "layers misses the heading " + heading);
    }
    // documented keys with their defaults
    assertTrue(r.out().contains("hidden") && r.out().contains("= 512"), r::toString);
  }

  @Test
  void layersListsTheCouplingNetworksWithTheirKeys() {
    List<String> lines = assertOk(run("layers")).out().lines().toList();
    int heading = lines.indexOf("networks:");
    assertTrue(heading >= 0, () -> "layers misses the heading networks: " + lines);
    List<String> section = lines.subList(heading, lines.indexOf("datasets:"));
    for (String entry : List.of("  glow ", "  flowpp ", "      blocks ", "      heads ", "      dropout ")) {
      assertTrue(section.stream().anyMatch(l -> l.startsWith(entry)), () -> "networks: misses " + entry + " in " + section);
    }
  }

  @Test
  void layersRejectsAMissingPluginDirectory() {
    String line = assertOneLineError(run("layers", "--plugins", "/nonexistent/plugins"), Cli.FAILED);
    assertTrue(line.contains("/nonexistent/plugins"), line);
  }

  @Test
  void checkRejectsAMissingPluginDirectory() throws Exception {
    Path config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data")));
    Harness.Result r = run("check", config.toString(), "--plugins", "/nonexistent/plugins");
    assertEquals(Cli.FAILED, r.status(), r::toString);
    assertTrue(r.err().contains("plugin directory /nonexistent/plugins does not exist"), r::toString);
  }

  @Test
  void checkRejectsAMissingPluginDirectoryCleanly() throws Exception {
    Path config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data")));
    String line = assertOneLineError(run("check", config.toString(), "--plugins", "/nonexistent/plugins"), Cli.FAILED);
    assertEquals("attnflow check: error: plugin directory /nonexistent/plugins does not exist or is not a directory", line);
  }

  @Test
  void layersRejectsAPositionalArgument() {
    assertOneLineError(run("layers", "extra"), Cli.USAGE);
  }

  @Test
  void checkOnATinyConfig() throws Exception {
    Path config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data")));
    Harness.Result r = assertOk(run("check", config.toString()));
    assertTrue(r.out().contains("parameters"), r::toString);
    assertTrue(r.out().contains("round trip"), r::toString);
    assertTrue(r.out().contains("1×8×8 → 4×4×4 → 8×2×2"), r::toString);
  }

  @Test
  void checkAppliesSetOverrides() throws Exception {
    Path config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data")));
    Harness.Result r = assertOk(run("check", config.toString(), "--set", "model.levels = 1"));
    assertTrue(r.out().contains("shapes         1×8×8 → 4×4×4\n"), r::toString);
  }

  @Test
  void checkOnTheGlow32Benchmark() {
    Path glow32 = Harness.repo("configs", "bench", "glow32.conf");
    assertTrue(Files.isRegularFile(glow32), glow32::toString);
    Harness.Result r = assertOk(run("check", glow32.toString()));
    assertTrue(r.out().contains("1×32×32 → 4×16×16 → 8×8×8 → 16×4×4"), r::toString);
    assertTrue(r.out().contains("298,880"), r::toString);
  }

  @Test
  void checkOnTheTarFlow32BenchmarksWithUniformAndGaussianNoise() {
    for (String name : new String[] {"tarflow32.conf", "tarflow32-noise.conf"}) {
      Harness.Result r = assertOk(run("check", Harness.repo("configs", "bench", name).toString()));
      assertTrue(r.out().contains("1×32×32 → 4×16×16") && r.out().contains("285,960"), r::toString);
    }
  }

  @Test
  void checkOnAMissingFile() {
    String line = assertOneLineError(run("check", tmp.resolve("missing.conf").toString()), Cli.FAILED);
    assertTrue(line.contains("missing.conf") && line.contains("does not exist"), line);
  }

  @Test
  void checkNeedsExactlyOneConfig() {
    assertOneLineError(run("check"), Cli.USAGE);
    assertOneLineError(run("check", "a.conf", "b.conf"), Cli.USAGE);
  }

  @Test
  void checkOnASyntaxError() throws Exception {
    Path config = tmp.resolve("broken.conf");
    Files.writeString(config, "model {\n  levels = 2\n  steps = [1, 2\n");
    String line = assertOneLineError(run("check", config.toString()), Cli.FAILED);
    assertTrue(line.contains("broken.conf"), line);
  }

  @Test
  void trainWithoutConfigIsAUsageError() {
    String line = assertOneLineError(run("train"), Cli.USAGE);
    assertTrue(line.contains("-c"), line);
  }

  @Test
  void trainWithABadStepCountIsAUsageError() {
    String line = assertOneLineError(run("train", "-c", "x.conf", "--steps", "many"), Cli.USAGE);
    assertTrue(line.contains("--steps"), line);
  }

  @Test
  void trainResumeWithConfigIsAUsageError() {
    assertOneLineError(run("train", "--resume", tmp.toString(), "-c", "x.conf"), Cli.USAGE);
  }

  @Test
  void resumeOfADirectoryThatIsNotARun() {
    String line = assertOneLineError(run("train", "--resume", tmp.toString()), Cli.FAILED);
    assertTrue(line.contains("is not a run directory: it has no config.conf"), line);
  }

  @Test
  void runCommandsOnADirectoryThatIsNotARun() {
    for (String command : List.of("evaluate", "sample", "reconstruct")) {
      String[] args = command.equals("sample")
          ? new String[] {command, tmp.toString(), "--out", tmp.resolve("x.png").toString()}
          : new String[] {command, tmp.toString()};
      String line = assertOneLineError(run(args), Cli.FAILED);
      assertTrue(line.contains("is not a run directory"), () -> command + ": " + line);
    }
    String line = assertOneLineError(run("evaluate", tmp.resolve("nope").toString()), Cli.FAILED);
    assertTrue(line.contains("does not exist"), line);
  }

  @Test
  void runCommandsNeedOneRunDirectory() {
    assertOneLineError(run("evaluate"), Cli.USAGE);
    assertOneLineError(run("reconstruct", "a", "b"), Cli.USAGE);
  }

  /**
   * A directory that passes the "is it a run" check (it has a config.conf) but holds no real
   * checkpoint: enough to reach the option checks of sample, which come after that check.
   */
  private Path fakeRun() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("fake-run"));
    Files.write(run.resolve("config.conf"), new byte[0]);
    Files.write(run.resolve("checkpoint-latest.ckpt"), new byte[0]);
    return run;
  }

  @Test
  void sampleWithABadTemperatureIsAUsageError() throws Exception {
    String png = tmp.resolve("x.png").toString();
    String dir = fakeRun().toString();
    for (String t : List.of("hot", "-1", "NaN", "Infinity")) {
      String line = assertOneLineError(run("sample", dir, "--temperature", t, "--out", png), Cli.USAGE);
      assertTrue(line.contains("temperature"), () -> t + ": " + line);
    }
    String line = assertOneLineError(run("sample", dir, "--temperatures", "0.5,,1", "--out", png), Cli.USAGE);
    assertTrue(line.contains("temperature"), line);
  }

  @Test
  void sampleWithoutOutIsAUsageError() {
    assertOneLineError(run("sample", tmp.toString()), Cli.USAGE);
  }

  @Test
  void sampleWithABadCountIsAUsageError() throws Exception {
    String png = tmp.resolve("x.png").toString();
    String dir = fakeRun().toString();
    assertOneLineError(run("sample", dir, "--n", "0", "--out", png), Cli.USAGE);
    assertOneLineError(run("sample", dir, "--n", "lots", "--out", png), Cli.USAGE);
  }

  @Test
  void sampleReportsABadTemperatureBeforeLookingAtTheRun() {
    String png = tmp.resolve("x.png").toString();
    assertOneLineError(run("sample", tmp.toString(), "--temperature", "hot", "--out", png), Cli.USAGE);
  }

  @Test
  void corruptCheckpointOfAFakeRunFailsCleanly() throws Exception {
    Path run = fakeRun();
    String line = assertOneLineError(run("evaluate", run.toString()), Cli.FAILED);
    assertTrue(line.contains("holds no valid checkpoint"), line);
    line = assertOneLineError(run("evaluate", run.toString(), "--checkpoint", run.resolve("checkpoint-latest.ckpt").toString()), Cli.FAILED);
    assertTrue(line.contains("truncated"), line);
  }

  @Test
  void integerOptionsRejectFractions() throws Exception {
    String png = tmp.resolve("x.png").toString();
    assertOneLineError(run("sample", fakeRun().toString(), "--n", "2.5", "--out", png), Cli.USAGE);
  }

  @Test
  void setWithoutEqualsIsAUsageError() throws Exception {
    Path config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data")));
    assertOneLineError(run("check", config.toString(), "--set", "model.levels"), Cli.USAGE);
  }

  @Test
  void setWithoutEqualsFailsCleanly() throws Exception {
    Path config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data")));
    Harness.Result r = run("check", config.toString(), "--set", "model.levels");
    assertTrue(r.status() != 0, r::toString);
    String line = assertOneLineError(r, r.status());
    assertTrue(line.contains("--set"), line);
  }
}
