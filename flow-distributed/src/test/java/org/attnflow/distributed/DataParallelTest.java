package org.attnflow.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.attnflow.cli.Cli;
import org.attnflow.cli.common.Session;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training end to end, in worker JVMs over loopback: two workers on shards of the
 * global batch follow the one-worker trajectory (same data order, bits/dim within 1e-5 relative at
 * every step, parameters after 20 steps within 1e-5 relative: the tiny run's Adam has ε = 10⁻³,
 * since with 10⁻⁸ it divides the near-zero gradients of a freshly initialised ActNorm by their
 * own magnitude and so turns float32 rounding into 10⁻⁴ differences, as two engine threads do
 * against one in a single process);
 * a resumed two-worker run continues its trajectory bit for bit; a
 * killed worker stops the other with an error and leaves the last checkpoint whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataParallelTest {
  private static final int STEPS = 20;
  @TempDir static Path tmp;
  private Path config;
  private Path one;
  private Path two;

  @BeforeAll
  void trainOneAndTwoWorkers() throws IOException {
    config = tmp.resolve("tiny.conf");
    Files.writeString(config, TinyRuns.config(STEPS));
    one = tmp.resolve("one");
    two = tmp.resolve("two");
    ok(TinyRuns.train("-c", config.toString(), "--out", one.toString()));
    ok(TinyRuns.train("-c", config.toString(), "--out", two.toString(), "--workers", "2"));
  }

  @Test
  void twoWorkersFollowTheOneWorkerTrajectory() throws Exception {
    List<String[]> a = rows(one);
    List<String[]> b = rows(two);
    assertEquals(a.size(), b.size(), "metrics rows");
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i)[0] + a.get(i)[1], b.get(i)[0] + b.get(i)[1], "row " + i + ": step and phase");
      double bpd = Double.parseDouble(a.get(i)[2]);
      assertEquals(bpd, Double.parseDouble(b.get(i)[2]), 1e-5 * bpd, "row " + i + ": bits/dim");
    }
    double twoWorkers = relativeDifference(parameters(one), parameters(two));
    assertTrue(twoWorkers < 1e-5, "after " + STEPS + " steps, two workers differ from one by " + twoWorkers
        + " (relative 2-norm of the parameters)");
  }

  /** ‖a − b‖ / ‖a‖. */
  private static double relativeDifference(float[] a, float[] b) {
    double difference = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      difference += (double) (a[i] - b[i]) * (a[i] - b[i]);
      norm += (double) a[i] * a[i];
    }
    return Math.sqrt(difference / norm);
  }

  @Test
  void twoWorkersOfTwoMicroBatchesFollowTheOneWorkerTrajectory() {
    Path accumulated = tmp.resolve("two-accumulated");
    ok(TinyRuns.train("-c", config.toString(), "--out", accumulated.toString(), "--workers", "2",
        "--set", "train.accumulate = 2"));
    double difference = relativeDifference(parameters(one), parameters(accumulated));
    assertTrue(difference < 1e-5, "two workers of two micro-batches each differ from one worker by " + difference);
  }

  @Test
  void aResumedTwoWorkerRunContinuesItsTrajectory() throws IOException {
    Path resumed = tmp.resolve("resumed");
    ok(TinyRuns.train("-c", config.toString(), "--out", resumed.toString(), "--workers", "2", "--steps", "10"));
    ok(TinyRuns.train("--resume", resumed.toString(), "--workers", "2", "--steps", Integer.toString(STEPS)));
    assertArrayEquals(parameters(two), parameters(resumed), "a 10 + 10 two-worker run must end where a 20-step one does");
    assertEquals(rows(two).stream().map(r -> String.join(",", r[0], r[1], r[2])).toList(),
        rows(resumed).stream().map(r -> String.join(",", r[0], r[1], r[2])).toList());
  }

  @Test
  void aKilledWorkerStopsTheOtherAndTheLastCheckpointStaysWhole() throws Exception {
    Path killed = tmp.resolve("killed");
    CompletableFuture<TinyRuns.Result> run = CompletableFuture.supplyAsync(() ->
        TinyRuns.train("-c", config.toString(), "--out", killed.toString(), "--workers", "2", "--steps", "100000"));
    Path numbered = new RunDirectory(killed).numbered(10);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(numbered) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(numbered), "no checkpoint at step 10 within 120 s");
    // The launcher starts the workers in rank order: rank 1 is the second of this JVM's children.
    List<ProcessHandle> workers = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .sorted(Comparator.comparing(h -> h.info().startInstant().orElseThrow())).toList();
    assertEquals(2, workers.size(), "worker processes");
    ProcessHandle rank1 = workers.get(1);
    long killedAt = System.nanoTime();
    rank1.destroyForcibly();
    TinyRuns.Result r = run.get(60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - killedAt) / 1e9;
    assertEquals(Cli.FAILED, r.status(), r::toString);
    assertTrue(r.err().contains("worker 1 of 2 failed"), r::toString);
    assertTrue(r.out().contains("lost the others"), r::toString);
    assertTrue(seconds < 30, "the run took " + seconds + " s to stop after the kill");
    Checkpoint.Contents latest = Checkpoint.read(new RunDirectory(killed).latest());
    assertTrue(latest.header().step() >= 10, "latest checkpoint at step " + latest.header().step());
    assertTrue(Files.readString(new RunDirectory(killed).root().resolve("failure.txt")).contains("lost the others"));
  }

  private static void ok(TinyRuns.Result r) {
    assertEquals(0, r.status(), r::toString);
  }

  private static List<String[]> rows(Path run) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(new RunDirectory(run).metrics())) {
      if (!line.startsWith("step")) {
        rows.add(line.split(",", -1));
      }
    }
    return rows;
  }

  /** The trainable parameters of the run's latest checkpoint, flattened in model order. */
  private static float[] parameters(Path run) {
    RunDirectory dir = new RunDirectory(run);
    Session session = Session.ofRun(dir, List.of(), Optional.empty());
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = session.get(ModelFactory.class).create(session.run().model(), manager);
      Checkpoint.read(dir.latest()).loadInto(model, manager);
      List<float[]> parts = new ArrayList<>();
      int total = 0;
      for (Parameter p : model.trainableParameters()) {
        float[] values = p.getArray().toFloatArray();
        parts.add(values);
        total += values.length;
      }
      float[] flat = new float[total];
      int at = 0;
      for (float[] part : parts) {
        System.arraycopy(part, 0, flat, at, part.length);
        at += part.length;
      }
      return flat;
    }
  }
}
