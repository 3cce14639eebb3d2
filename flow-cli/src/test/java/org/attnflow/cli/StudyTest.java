package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.config.TrainSettings;
import org.attnflow.models.study.StudyFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attnflow study} end to end on the tiny data: two tiny configurations × two seeds trained
 * in child JVMs, the run directories, study.csv and study.md with the paired difference, seeds
 * that change the runs, a rerun that skips finished runs, {@code --parallel 2} with a resumed run
 * and failing runs, and one-line errors for a bad study file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudyTest {
  private static final String ADDITIVE_STEP = "[ { type = actnorm }, { type = invconv }, { type = additive-coupling, hidden = 8 } ]";
  private static final String SET = "set = [\"train.steps = 4\", \"train.eval-every = 2\", \"train.checkpoint-every = 0\"]\n";

  @TempDir static Path tmp;
  private Path configs;
  private Path studyDir;
  private Harness.Result first;

  @BeforeAll
  void runATinyStudy() throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    configs = tmp.resolve("configs");
    Files.createDirectories(configs);
    Files.writeString(configs.resolve("glow.conf"), Harness.tinyConfig(data, Harness.GLOW_STEP));
    Files.writeString(configs.resolve("additive.conf"), Harness.tinyConfig(data, ADDITIVE_STEP));
    Files.writeString(configs.resolve("diverging.conf"), Harness.tinyConfig(data, Harness.GLOW_STEP) + "train.divergence-bpd = 0.5\n");
    Path study = study("tiny.conf", "configs = [\"../configs/glow.conf\", \"../configs/additive.conf\"]\n"
        + "seeds = [0, 1]\nbaseline = glow\n" + SET);
    studyDir = tmp.resolve("out");
    first = assertOk(run("study", study.toString(), "--out", studyDir.toString()));
  }

  private Path study(String name, String text) throws IOException {
    Path file = tmp.resolve("studies").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  @Test
  void everyConfigurationAndSeedIsARunAndTheTablesCompareThemWithTheBaseline() throws IOException {
    for (String config : List.of("glow", "additive")) {
      for (int seed : List.of(0, 1)) {
        Path run = studyDir.resolve(config).resolve("seed-" + seed);
        assertTrue(first.out().contains(config + "/seed-" + seed + ": training (log " + run.resolve("train.log") + ")"), first::toString);
        assertTrue(Files.readString(run.resolve("train.log")).contains("training at step 0 of 4"), run::toString);
        String saved = Files.readString(run.resolve("config.conf"));
        assertTrue(saved.contains("\"seed\" : " + seed) || saved.contains("seed = " + seed) || saved.contains("seed=" + seed), saved);
        assertTrue(Files.isRegularFile(run.resolve("checkpoint-latest.ckpt")));
      }
    }
    List<String> csv = Files.readAllLines(studyDir.resolve("study.csv"));
    assertEquals("config,seed,state,steps,test_bpd,test_bpd_ci95,train_images_per_s,sample_images_per_s,parameters,note", csv.get(0));
    assertEquals(5, csv.size(), csv::toString);
    assertTrue(csv.get(1).matches("glow,0,finished,4,\\d\\.\\d{6},\\d\\.\\d{6},\\d+\\.\\d\\d,\\d+\\.\\d\\d,\\d+,"), csv::toString);
    assertTrue(csv.get(4).startsWith("additive,1,finished,4,"), csv::toString);
    String md = Files.readString(studyDir.resolve("study.md"));
    assertTrue(md.startsWith("# Study tiny\n\n2 configurations × 2 seeds (0, 1) from tiny.conf; baseline glow."), md);
    assertTrue(md.matches("(?s).*\\| glow \\| 2 of 2 \\| \\d\\.\\d{4} ± \\d\\.\\d{4} \\|.*"), md);
    assertTrue(md.matches("(?s).*\\| additive \\| 2 \\| 12\\.706 \\| [-+]\\d\\.\\d+(e-\\d+)? \\[-\\d.*, \\+\\d.*\\] \\|\n.*"), md);
    assertTrue(md.contains("n is the number of seeds where both runs finished"), md);
    assertTrue(first.out().contains("wrote " + studyDir.resolve("study.csv") + " and " + studyDir.resolve("study.md")));
  }

  @Test
  void seedsChangeTheRuns() throws IOException {
    // the same configuration from another seed starts from other parameters, data and noise
    String seed0 = stepZero(studyDir.resolve("glow/seed-0"));
    String seed1 = stepZero(studyDir.resolve("glow/seed-1"));
    assertNotEquals(seed0, seed1);
    String saved = Files.readString(studyDir.resolve("additive/seed-1/config.conf"));
    assertTrue(saved.matches("(?s).*model \\{.*\"?seed\"?\\s*[:=]\\s*1\\b.*"), saved);
  }

  @Test
  void aRerunSkipsFinishedRunsAndLeavesThemAsTheyWere() throws IOException {
    Map<Path, byte[]> before = checkpoints(studyDir);
    Harness.Result again = assertOk(run("study", tmp.resolve("studies/tiny.conf").toString(), "--out", studyDir.toString()));
    for (String run : List.of("glow/seed-0", "glow/seed-1", "additive/seed-0", "additive/seed-1")) {
      assertTrue(again.out().contains(run + ": finished earlier, skipped"), again::toString);
    }
    assertTrue(!again.out().contains(": training"), again::toString);
    Map<Path, byte[]> after = checkpoints(studyDir);
    assertEquals(before.keySet(), after.keySet());
    before.forEach((file, bytes) -> assertArrayEquals(bytes, after.get(file), file + " changed"));
  }

  @Test
  void parallelRunsResumeAStoppedRunAndReportFailuresWithTheirLogsLastLine() throws IOException {
    Path dir = tmp.resolve("parallel");
    Path stopped = dir.resolve("glow/seed-0");
    assertOk(run("train", "-c", configs.resolve("glow.conf").toString(), "--out", stopped.toString(),
        "--set", "train.steps = 4", "--set", "train.eval-every = 2", "--set", "train.checkpoint-every = 0",
        "--set", "model.seed = 0", "--set", "train.seed = 0", "--steps", "2"));
    Path study = study("parallel.conf", "configs = [\"../configs/glow.conf\", \"../configs/diverging.conf\"]\n"
        + "seeds = [0, 1]\nbaseline = glow\n" + SET);
    Harness.Result r = run("study", study.toString(), "--out", dir.toString(), "--parallel", "2");
    String error = assertOneLineError(r, Cli.FAILED);
    assertEquals("attnflow study: error: 2 of 4 runs failed; see " + dir.resolve("study.md"), error);
    // the study splits its own OMP_NUM_THREADS (Surefire sets 1) or, without it, the cores
    String omp = System.getenv("OMP_NUM_THREADS");
    int threads = Math.max(1, (omp != null ? Integer.parseInt(omp) : Runtime.getRuntime().availableProcessors()) / 2);
    assertTrue(r.out().contains("4 runs in " + dir + ", 2 at a time with " + threads + " engine thread" + (threads == 1 ? "" : "s")
        + " each"), r::toString);
    assertTrue(r.out().contains("glow/seed-0: resuming"), r::toString);
    assertTrue(Files.readString(stopped.resolve("train.log")).contains("resuming at step 2 of 4"));
    assertEquals(List.of("0", "2", "4"), testSteps(stopped));
    assertTrue(r.out().contains("diverging/seed-1: failed: train exited with status 1: attnflow train: error: "), r::toString);
    List<String> csv = Files.readAllLines(dir.resolve("study.csv"));
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("glow,1,finished,4,")), csv::toString);
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("diverging,0,failed,4,,,,,,train exited with status 1: ") && l.contains("training diverged")), csv::toString);
    String md = Files.readString(dir.resolve("study.md"));
    assertTrue(md.contains("| diverging | 0 of 2 | – |"), md);
    assertTrue(md.contains("| diverging | 0 | – | – |"), md);
    assertTrue(md.contains("- diverging seed 1 failed: train exited with status 1: attnflow train: error: "), md);
  }

  @Test
  void aBadStudyFileIsAOneLineErrorWithFileAndLine() throws IOException {
    Path study = study("bad.conf", "configs = [\"../configs/glow.conf\"]\nbaseline = glow\nseed = [1]\n");
    String error = assertOneLineError(run("study", study.toString(), "--out", tmp.resolve("bad").toString()), Cli.FAILED);
    assertTrue(error.startsWith("attnflow study: error: " + study + ":3: seed: unknown key for a study file; known keys: "), error);
    Path unevaluated = study("unevaluated.conf", "configs = [\"../configs/glow.conf\"]\nbaseline = glow\n"
        + "set = [\"train.eval-every = 0\"]\n");
    error = assertOneLineError(run("study", unevaluated.toString(), "--out", tmp.resolve("bad").toString()), Cli.FAILED);
    assertTrue(error.contains("train.eval-every is 0"), error);
    Path noisy = configs.resolve("noisy.conf");
    Files.writeString(noisy, Files.readString(configs.resolve("glow.conf")) + "data.noise { type = gaussian, sigma = 0.05 }\n");
    Path mixed = study("mixed.conf", "configs = [\"../configs/glow.conf\", \"../configs/noisy.conf\"]\nbaseline = glow\n" + SET);
    error = assertOneLineError(run("study", mixed.toString(), "--out", tmp.resolve("bad").toString()), Cli.FAILED);
    assertEquals("attnflow study: error: the configurations model differently noised data (glow: uniform dequantisation,"
        + " noisy: Gaussian noise σ = 0.05): their bits/dim do not compare, so one study cannot pair them; study them apart", error);
    Path pool = Harness.repo("flow-cli", "src", "test", "resources", "fid", "pool-features.pt");
    Path uniformDenoised = study("uniform-denoised.conf", "configs = [\"../configs/glow.conf\"]\nbaseline = glow\n" + SET
        + "fid { features = " + Harness.quote(pool) + ", denoise = true }\n");
    error = assertOneLineError(run("study", uniformDenoised.toString(), "--out", tmp.resolve("bad").toString()), Cli.FAILED);
    assertEquals("attnflow study: error: " + uniformDenoised + ": fid.denoise = true, but glow is trained with uniform"
        + " dequantisation; denoising needs data.noise { type = gaussian }", error);
    assertOneLineError(run("study", study.toString(), "--parallel", "0"), Cli.USAGE);
    assertTrue(!Files.exists(tmp.resolve("bad")), "nothing is written for a bad study");
  }

  @Test
  void theExampleStudyNamesTheBenchmarkWorkloads() {
    Path file = Harness.repo("configs", "studies", "attention-fmnist.conf");
    StudyFile example = StudyFile.load(file);
    assertEquals(List.of("glow32", "imap32", "itrans32g", "marflow32"), List.copyOf(example.configs().keySet()));
    assertEquals(List.of(0L, 1L, 2L), example.seeds());
    assertEquals("glow32", example.baseline());
    for (Path config : example.configs().values()) {
      TrainSettings t = TrainSettings.of(RunConfig.load(config, example.overrides(2)).block("train"));
      assertEquals(2000, t.steps(), config::toString);
      assertTrue(t.evaluatesAt(t.steps()), config::toString);
    }
  }

  @Test
  void theTarFlowStudyComparesItWithGlowAndIMapUnderUniformDequantisation() {
    StudyFile tarflow = StudyFile.load(Harness.repo("configs", "studies", "tarflow-fmnist.conf"));
    assertEquals(List.of("glow32", "imap32", "tarflow32"), List.copyOf(tarflow.configs().keySet()));
    assertEquals("glow32", tarflow.baseline());
    for (Path config : tarflow.configs().values()) {
      RunConfig run = RunConfig.load(config, tarflow.overrides(0));
      assertEquals(2000, TrainSettings.of(run.block("train")).steps(), config::toString);
      assertEquals("uniform", run.block("data").block("noise").string("type"), config::toString);
    }
  }

  @Test
  void fidScoresEveryFinishedRun() throws IOException {
    Path pool = Harness.repo("flow-cli", "src", "test", "resources", "fid", "pool-features.pt");
    Path study = study("scored.conf", "configs = [\"../configs/glow.conf\", \"../configs/additive.conf\"]\n"
        + "seeds = [0, 1]\nbaseline = glow\n" + SET
        + "fid { features = " + Harness.quote(pool) + ", n = 64, temperatures = [0.7, 1.0], reference = test }\n");
    Path scored = copyOf(studyDir, tmp.resolve("scored"));
    Harness.Result r = assertOk(run("study", study.toString(), "--out", scored.toString()));
    assertTrue(r.out().contains("glow/seed-0: finished earlier, skipped"), r::toString);
    assertTrue(Files.readString(scored.resolve("glow/seed-1/fid-t0.7.json")).contains("\"metric\": \"FD_fixture-pool\""));
    assertTrue(Files.readAllLines(scored.resolve("study.csv")).get(0).endsWith(",FD_fixture-pool_t0.7,FD_fixture-pool_t1.0,note"));
    assertTrue(Files.readString(scored.resolve("study.md")).contains("FD_fixture-pool T = 0.7"));
  }

  @Test
  void denoisedFidScoresTheSameSamplesAfterDenoising() throws IOException {
    Path pool = Harness.repo("flow-cli", "src", "test", "resources", "fid", "pool-features.pt");
    Files.writeString(configs.resolve("gaussian.conf"), Files.readString(configs.resolve("glow.conf"))
        + "data.noise { type = gaussian, sigma = 0.05 }\n");
    Path study = study("denoised.conf", "configs = [\"../configs/gaussian.conf\"]\nseeds = [0]\nbaseline = gaussian\n" + SET
        + "fid { features = " + Harness.quote(pool) + ", n = 64, temperatures = [1.0], reference = test, denoise = true }\n");
    Path out = tmp.resolve("denoised");
    assertOk(run("study", study.toString(), "--out", out.toString()));
    String plain = Files.readString(out.resolve("gaussian/seed-0/fid-t1.0.json"));
    String denoised = Files.readString(out.resolve("gaussian/seed-0/fid-t1.0-denoised.json"));
    assertTrue(plain.contains("\"denoised\": false") && denoised.contains("\"denoised\": true"), plain + denoised);
    assertNotEquals(score(plain), score(denoised), "denoising changes the samples, so the score");
    List<String> csv = Files.readAllLines(out.resolve("study.csv"));
    assertTrue(csv.get(0).endsWith(",FD_fixture-pool_t1.0,FD_fixture-pool_t1.0_denoised,note"), csv::toString);
    assertTrue(Files.readString(out.resolve("study.md")).contains("| FD_fixture-pool T = 1.0 | FD_fixture-pool T = 1.0, denoised |"));
  }

  private static double score(String fidJson) {
    Matcher m = Pattern.compile("\"score\": ([0-9.eE+-]+)").matcher(fidJson);
    assertTrue(m.find(), fidJson);
    return Double.parseDouble(m.group(1));
  }

  /** A copy of the tree {@code from} at {@code to} (the tiny study's runs, scored without touching the original). */
  private static Path copyOf(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  private static String stepZero(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream().filter(l -> l.startsWith("0,test,")).findFirst().orElseThrow();
  }

  private static List<String> testSteps(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream().filter(l -> l.contains(",test,")).map(l -> l.split(",")[0]).toList();
  }

  private static Map<Path, byte[]> checkpoints(Path dir) throws IOException {
    Map<Path, byte[]> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".ckpt")).sorted().toList()) {
        out.put(f, Files.readAllBytes(f));
      }
    }
    assertTrue(out.size() >= 4, out::toString);
    return out;
  }
}
