package org.attnflow.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --workers 2 --take-turns DIR}: rank 0 takes the turns with a stand-in for the
 * PyTorch reference (this test, through the two named pipes bench/side-by-side.sh makes), the
 * other rank starts each step with it, and the run ends with the figures instead of waiting for
 * ever: the stand-in gets one turn after every training step but the last and after every timed
 * sampling batch, then the finish mark. The stand-in holds each turn for {@value #HOLD_MS} ms: a
 * rank 1 that computed its step during that turn would then wait about as long for rank 0 in every
 * all-reduce, while one that starts with rank 0 waits only for the difference of their work.
 */
class BenchWorkersTurnsTest {
  private static final int STEPS = 63;
  private static final int SAMPLING_TURNS = 10;
  private static final int HOLD_MS = 60;
  private static final Pattern RANK_1 = Pattern.compile("worker 1 of 2: \\d+ steps averaged, ([0-9.]+) ms per step in the all-reduce");

  @Test
  void twoWorkersTakeTurnsWithTheReference(@TempDir Path tmp) throws Exception {
    Path config = tmp.resolve("tiny.conf");
    Files.writeString(config, TinyRuns.config(STEPS));
    Path turns = Files.createDirectory(tmp.resolve("turns"));
    for (String pipe : new String[] {"java", "pytorch"}) {
      Process mkfifo = new ProcessBuilder("mkfifo", turns.resolve(pipe).toString()).inheritIO().start();
      assertEquals(0, mkfifo.waitFor());
    }
    CompletableFuture<Integer> reference = CompletableFuture.supplyAsync(() -> playReference(turns));
    TinyRuns.Result r = assertTimeoutPreemptively(Duration.ofMinutes(4), () ->
        TinyRuns.command("bench", config.toString(), "--steps", String.valueOf(STEPS), "--workers", "2",
            "--take-turns", turns.toString()));
    assertEquals(0, r.status(), r::toString);
    String json = r.out().lines().filter(l -> l.startsWith("{\"workload\"")).findFirst().orElseThrow(() -> new AssertionError(r));
    assertTrue(json.contains("\"workers\": 2"), json);
    assertEquals(STEPS - 1 + SAMPLING_TURNS, reference.get(), "turns the reference was given");
    Matcher m = RANK_1.matcher(r.out());
    assertTrue(m.find(), r::toString);
    assertTrue(Double.parseDouble(m.group(1)) < HOLD_MS / 2.0, "rank 1 waited in the all-reduce as if it had computed in the"
        + " reference's turn: " + m.group());
  }

  /** The reference's side of the turns: gives the first turn, takes each one back, releases a finished Java side; returns how many turns it got. */
  private static int playReference(Path dir) {
    try {
      while (!Files.exists(dir.resolve("java.ready"))) {
        Thread.sleep(20);
      }
      try (RandomAccessFile toJava = new RandomAccessFile(dir.resolve("java").toFile(), "rw");
          RandomAccessFile fromJava = new RandomAccessFile(dir.resolve("pytorch").toFile(), "rw")) {
        toJava.write('t');
        int turns = 0;
        while (true) {
          int b = fromJava.read();
          if (b == 't') {
            turns++;
            Thread.sleep(HOLD_MS);
            toJava.write('t');
          } else {
            toJava.write('d');
            return turns;
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
