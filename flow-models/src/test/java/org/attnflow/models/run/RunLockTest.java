package org.attnflow.models.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reader can tell of a run's lock without taking it. */
class RunLockTest {
  @TempDir Path dir;

  @Test
  void aRunIsHeldWhileItsTrainerLivesAndNotAfterItReleasesOrDies() throws IOException, InterruptedException {
    assertFalse(RunLock.isHeld(dir), "no lock file");
    try (RunLock lock = RunLock.acquire(dir, warning -> {})) {
      assertTrue(RunLock.isHeld(dir));
    }
    assertFalse(RunLock.isHeld(dir), "a released lock is an empty file");

    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(lockOf(dir), gone.pid() + "@" + hostOf() + "\n");
    assertFalse(RunLock.isHeld(dir), "the lock of a trainer that died is stale");
  }

  private static Path lockOf(Path dir) {
    return dir.resolve("train.lock");
  }

  /** The host a lock of this process names. */
  private String hostOf() throws IOException {
    Path other = Files.createDirectory(dir.resolve("other"));
    try (RunLock lock = RunLock.acquire(other, warning -> {})) {
      String holder = Files.readString(lockOf(other)).trim();
      return holder.substring(holder.indexOf('@') + 1);
    }
  }
}
