package org.attnflow.models.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.RunDirectory;

/** How far a study's run has come: not started, started but unfinished, or finished. */
public enum RunProgress {
  /** No run in the directory yet (no {@code config.conf}): train it from its configuration. */
  NEW,
  /** A run that has not reached its last step and evaluation: resume it. */
  UNFINISHED,
  /** Its newest valid checkpoint is at the last step and {@code metrics.csv} holds that step's evaluation. */
  FINISHED;

  /** The progress of the run in {@code dir} towards {@code steps} training steps. */
  public static RunProgress of(RunDirectory dir, long steps) {
    if (!Files.isRegularFile(dir.config())) {
      return NEW;
    }
    Optional<Path> newest = dir.newestCheckpoint(damaged -> {});
    boolean trained = newest.isPresent() && Checkpoint.readHeader(newest.get()).step() == steps;
    return trained && RunMetrics.read(dir.metrics()).tests().containsKey(steps) ? FINISHED : UNFINISHED;
  }
}
