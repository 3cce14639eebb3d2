package org.attnflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The turn-taking protocol of {@code bench/side-by-side.sh}, with this test as the PyTorch side. */
class TurnsTest {
  @TempDir
  Path dir;

  @Test
  void theJavaSideComputesOnlyOnItsTurnsAndReleasesTheOtherWhenItFinishesLast() throws Exception {
    List<String> log = againstTheJavaSide(4, (java, toJava, fromJava, shared) -> {
      assertTrue(shared.isEmpty(), "the Java side must wait for its first turn");
      toJava.write('t');
      assertEquals('t', fromJava.read());
      shared.add("pytorch 1");
      toJava.write('t');
      assertEquals('t', fromJava.read());
      shared.add("pytorch 2");
      toJava.write('f'); // finished: the Java side runs its last units alone, then releases us
      assertEquals('d', fromJava.read());
      shared.add("pytorch released");
    });
    assertEquals(List.of("java 1", "pytorch 1", "java 2", "pytorch 2", "java 3", "java 4"), log.subList(0, 6));
    assertEquals(Set.of("java closed", "pytorch released"), Set.copyOf(log.subList(6, log.size())));
  }

  @Test
  void theJavaSideWaitsAfterFinishingFirstUntilTheOtherIsDone() throws Exception {
    List<String> log = againstTheJavaSide(1, (java, toJava, fromJava, shared) -> {
      toJava.write('t');
      assertEquals('f', fromJava.read());
      shared.add("pytorch alone");
      Thread.sleep(100);
      assertTrue(java.isAlive(), "a finished side waits until the other is done");
      toJava.write('d');
    });
    assertEquals(List.of("java 1", "pytorch alone", "java closed"), log);
  }

  @Test
  void withoutAFolderEveryCallReturnsAtOnce() {
    try (Turns turns = new Turns(null)) {
      turns.take();
      turns.give();
      turns.take();
    }
  }

  /** What the test does as the PyTorch side, given the Java side's thread, pipe ends and log. */
  private interface PyTorchSide {
    void run(Thread java, RandomAccessFile toJava, RandomAccessFile fromJava, List<String> log) throws Exception;
  }

  /**
   * Runs {@code units} logged units of the Java side in a thread against {@code side}, once the
   * Java side is ready; returns the log of both.
   */
  private List<String> againstTheJavaSide(int units, PyTorchSide side) throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Thread java = javaSide(log, units);
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      try (RandomAccessFile toJava = new RandomAccessFile(dir.resolve("java").toFile(), "rw");
          RandomAccessFile fromJava = new RandomAccessFile(dir.resolve("pytorch").toFile(), "rw")) {
        java.start();
        awaitReady();
        side.run(java, toJava, fromJava, log);
        java.join();
      }
    });
    return log;
  }

  /** The Java side in a thread: {@code units} units, each logged, with a turn taken before each. */
  private Thread javaSide(List<String> log, int units) throws Exception {
    mkfifo(dir.resolve("java"));
    mkfifo(dir.resolve("pytorch"));
    return new Thread(() -> {
      try (Turns turns = new Turns(dir)) {
        for (int i = 1; i <= units; i++) {
          if (i > 1) {
            turns.give();
          }
          turns.take();
          log.add("java " + i);
        }
      }
      log.add("java closed");
    });
  }

  private void awaitReady() throws InterruptedException {
    while (!Files.exists(dir.resolve("java.ready"))) {
      Thread.sleep(10);
    }
  }

  private static void mkfifo(Path p) throws Exception {
    Process process = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertEquals(0, process.waitFor(), "mkfifo " + p);
  }
}
