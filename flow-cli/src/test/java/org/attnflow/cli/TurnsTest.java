package org.attnflow.cli;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The turn-taking protocol of {@code bench/side-by-side.sh}, with this test as the PyTorch side. */
class TurnsTest {
  @TempDir
  Path dir;

  @Test
  void theJavaSideComputesOnlyWhileItHoldsTheTokenAndRunsAloneOnceTheOtherIsDone() throws Exception {
    mkfifo(dir.resolve("java"));
    mkfifo(dir.resolve("pytorch"));
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Thread java = new Thread(() -> {
      try (Turns turns = Turns.in(dir)) {
        turns.take();
        log.add("java 1");
        turns.give();
        turns.take();
        log.add("java 2");
        turns.give();
        turns.take(); // the other side is done: returns at once from now on
        log.add("java 3");
        turns.give();
        turns.take();
        log.add("java 4");
      }
    });
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      try (RandomAccessFile toJava = new RandomAccessFile(dir.resolve("java").toFile(), "rw");
          RandomAccessFile fromJava = new RandomAccessFile(dir.resolve("pytorch").toFile(), "rw")) {
        java.start();
        while (!Files.exists(dir.resolve("java.ready"))) {
          Thread.sleep(10);
        }
        assertTrue(log.isEmpty(), "the Java side must wait for its first turn");
        toJava.write('t');
        assertEquals('t', fromJava.read());
        log.add("pytorch 1");
        toJava.write('t');
        assertEquals('t', fromJava.read());
        log.add("pytorch 2");
        toJava.write('d');
        java.join();
      }
    });
    assertEquals(List.of("java 1", "pytorch 1", "java 2", "pytorch 2", "java 3", "java 4"), log);
  }

  @Test
  void withoutAFolderEveryCallReturnsAtOnce() {
    try (Turns turns = Turns.in(null)) {
      turns.take();
      turns.give();
      turns.take();
    }
  }

  private static void mkfifo(Path p) throws Exception {
    Process process = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertEquals(0, process.waitFor(), "mkfifo " + p);
  }
}
