package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault injection with a real {@code kill -9}: a trainer in a child JVM is paused at a kill point
 * (during a step, halfway through a checkpoint write, during an evaluation, during sampling) and
 * killed; {@code train --resume} must then finish the run exactly as a run that was never
 * interrupted (the same final checkpoint, byte for byte, and the same metrics rows, none
 * duplicated and none missing). While the killed trainer is paused, it holds the run: a second
 * trainer is refused and readers still work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HardKillTest {
  private static final String STEPS = "12";

  @TempDir static Path tmp;
  private Path config;
  private Path straight;

  @BeforeAll
  void trainWithoutInterruption() throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    config = tmp.resolve("kill.conf");
    Files.writeString(config, Harness.tinyConfig(data, Harness.GLOW_STEP)
        + "train { eval-every = 4, checkpoint-every = 3, sample-temperatures = [0.7, 1.0] }\n");
    straight = tmp.resolve("straight");
    assertOk(run("train", "-c", config.toString(), "--steps", STEPS, "--out", straight.toString()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"step:6", "checkpoint:6", "evaluation:3", "sampling:3"})
  void aRunKilledAnywhereResumesToTheSameResult(String killPoint) throws Exception {
    Path dir = tmp.resolve("killed-" + killPoint.replace(':', '-'));
    Process trainer = pausedTrainer(dir, killPoint);
    try {
      String line = assertOneLineError(run("train", "--resume", dir.toString()), Cli.FAILED);
      assertTrue(line.contains("is being trained by another process (process " + trainer.pid() + " on host"), line);
      line = assertOneLineError(run("train", "-c", config.toString(), "--out", dir.toString()), Cli.FAILED);
      assertTrue(line.contains("is being trained by another process"), line);
      if (!new org.attnflow.models.run.RunDirectory(dir).checkpoints().isEmpty()) {
        assertOk(run("evaluate", dir.toString(), "--checkpoint", "latest"));
      }
    } finally {
      trainer.destroyForcibly();
      assertTrue(trainer.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(137, trainer.exitValue(), "the trainer must die by SIGKILL");
    if (killPoint.startsWith("checkpoint")) {
      assertTrue(names(dir).stream().anyMatch(n -> n.startsWith(".checkpoint-") && n.endsWith(".tmp")),
          "the kill should leave a torn checkpoint write: " + names(dir));
    }

    Harness.Result resumed = assertOk(run("train", "--resume", dir.toString()));
    assertTrue(resumed.out().contains("warning: took over the lock of " + dir + " left by a stopped trainer (process "
        + trainer.pid()), resumed::toString);

    assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoint-latest.ckpt")),
        Files.readAllBytes(dir.resolve("checkpoint-latest.ckpt")), "the resumed run ends elsewhere than the straight one");
    assertEquals(metricRows(straight), metricRows(dir), "metrics.csv differs from the straight run's");
    assertEquals(names(straight.resolve("samples")), names(dir.resolve("samples")));
    assertEquals(List.of(), names(dir).stream().filter(n -> n.endsWith(".tmp")).collect(Collectors.toList()),
        "a torn write was left behind");
    assertEquals(0, Files.size(dir.resolve("train.lock")), "the lock is released");
  }

  /** Starts {@code train} in a child JVM that pauses at {@code killPoint}, and waits for the pause. */
  private Process pausedTrainer(Path dir, String killPoint) throws IOException, InterruptedException {
    String classPath = Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
        .filter(p -> !p.isEmpty()).collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Dattnflow.pause-at=" + killPoint,
        "-cp", classPath, org.attnflow.cli.common.Application.MAIN_CLASS,
        "train", "-c", config.toString(), "--steps", STEPS, "--out", dir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("DJL_OFFLINE", "true");
    builder.environment().put("OPT_OUT_TRACKING", "true");
    Process process = builder.start();
    List<String> seen = new ArrayList<>();
    BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    for (String line = err.readLine(); line != null; line = err.readLine()) {
      if (line.equals("attnflow: paused at " + killPoint)) {
        drain(err);
        return process;
      }
      seen.add(line);
    }
    process.waitFor(30, TimeUnit.SECONDS);
    fail("the trainer never reached " + killPoint + " (exit " + process.exitValue() + "): " + String.join("\n", seen));
    return process;
  }

  /** Keeps reading the child's stderr so that it never blocks on a full pipe. */
  private static void drain(BufferedReader err) {
    Thread t = new Thread(() -> {
      try {
        while (err.readLine() != null) {
          // discard
        }
      } catch (IOException closed) {
        // the child is gone
      }
    });
    t.setDaemon(true);
    t.start();
  }

  /** Step, phase and bits/dim of every row (timings differ between runs). */
  private static List<String> metricRows(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream()
        .map(line -> String.join(",", List.of(line.split(",", -1)).subList(0, 3)))
        .collect(Collectors.toList());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
