package org.attnflow.models.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.attnflow.api.FlowException;
import org.attnflow.api.data.Labels;

/**
 * The layout of a run directory: the resolved configuration, {@code metrics.csv}, sample grids,
 * the training-curve plot, the checkpoints (latest, best and numbered), the lock of its one
 * writer, the class names of a class-conditional run and, after a failed training, why it failed.
 */
public record RunDirectory(Path root) {
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(latest|best|\\d+)\\.ckpt");

  /** Creates the directory if needed. */
  public RunDirectory create() {
    AtomicFiles.requireWritable(config());
    try {
      Files.createDirectories(root);
      Files.createDirectories(samples());
      return this;
    } catch (IOException e) {
      throw new FlowException("cannot create run directory " + root + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
  }

  /** Creates the directory for a new run, refusing one that already holds a run. */
  public RunDirectory createFresh() {
    if (Files.exists(config()) || !checkpoints().isEmpty()) {
      throw new FlowException(root + " already holds a run (" + config().getFileName()
          + "): continue it with --resume " + root + ", or train into another directory");
    }
    return create();
  }

  /** Fails unless this is the directory of a run: a folder with the run's configuration. */
  public RunDirectory requireExisting() {
    if (!Files.isDirectory(root)) {
      throw new FlowException("run directory " + root + " does not exist");
    }
    if (!Files.isRegularFile(config())) {
      throw new FlowException(root + " is not a run directory: it has no " + config().getFileName() + " (was it trained?)");
    }
    return this;
  }

  /** Takes the directory's single-writer lock ({@link RunLock}). */
  public RunLock lock(Consumer<String> warn) {
    create();
    return RunLock.acquire(root, warn);
  }

  /** The checkpoint files present: latest, best and numbered, in no particular order. */
  public List<Path> checkpoints() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(root)) {
      return files.filter(f -> CHECKPOINT.matcher(f.getFileName().toString()).matches()).toList();
    } catch (IOException e) {
      throw new FlowException("cannot list run directory " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * The checkpoint of the most training steps among those that pass their integrity check, of any
   * kind (latest, best or numbered); the latest wins a tie. {@code warn} hears of each damaged
   * file skipped. Empty when there is no valid checkpoint. Numbered checkpoints are tried newest
   * first by their names after the latest and the best, so a long run's older ones are not read.
   */
  public Optional<Path> newestCheckpoint(Consumer<String> warn) {
    Path newest = null;
    long newestStep = -1;
    List<Path> files = new ArrayList<>(checkpoints());
    files.sort(Comparator.comparingInt((Path f) -> f.equals(latest()) ? 0 : f.equals(best()) ? 1 : 2)
        .thenComparing(f -> -numberedStep(f)));
    for (Path file : files) {
      if (numberedStep(file) >= 0 && numberedStep(file) <= newestStep) {
        break;
      }
      try {
        long step = Checkpoint.readHeader(file).step();
        if (step > newestStep) {
          newest = file;
          newestStep = step;
        }
      } catch (FlowException e) {
        warn.accept("skipping a damaged checkpoint: " + e.getMessage());
      }
    }
    return Optional.ofNullable(newest);
  }

  /** The step in a numbered checkpoint's name; −1 for the latest and the best. */
  private static long numberedStep(Path file) {
    Matcher m = CHECKPOINT.matcher(file.getFileName().toString());
    return m.matches() && Character.isDigit(m.group(1).charAt(0)) ? Long.parseLong(m.group(1)) : -1;
  }

  /** Deletes the temporary files that a writer killed while writing left behind. */
  public void removeTornWrites() {
    try (Stream<Path> files = Files.list(root)) {
      for (Path f : files.filter(f -> AtomicFiles.isTemporary(f)).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new FlowException("cannot clean run directory " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records why the training of this run failed, in one line in {@link #failure()}; the next
   * training of the run clears it ({@link #clearFailure()}).
   */
  public void recordFailure(Throwable e) {
    String why = e instanceof FlowException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    AtomicFiles.writeString(failure(), String.valueOf(why).replace('\n', ' ') + "\n");
  }

  /** Forgets a recorded failure: the run is being trained again. */
  public void clearFailure() {
    try {
      Files.deleteIfExists(failure());
    } catch (IOException e) {
      throw new FlowException("cannot delete " + failure() + ": " + e.getMessage(), e);
    }
  }

  /** Why the last training of the run failed, when it did ({@link #recordFailure}). */
  public Path failure() {
    return root.resolve("failure.txt");
  }

  /** The class names of a class-conditional run, one a line in label order ({@link #writeClassNames}). */
  public Path classNamesFile() {
    return root.resolve("classes.txt");
  }

  /** Records the names of the classes a class-conditional run was trained on, atomically. */
  public void writeClassNames(List<String> names) {
    AtomicFiles.writeString(classNamesFile(), String.join("\n", names) + "\n");
  }

  /**
   * The names of the run's {@code classes} classes: those it recorded, or "0" to "classes − 1"
   * for a run that recorded none (trained on data without class names).
   */
  public List<String> classNames(int classes) {
    if (!Files.isRegularFile(classNamesFile())) {
      return Labels.numbered(classes);
    }
    try {
      List<String> names = Files.readAllLines(classNamesFile(), StandardCharsets.UTF_8);
      if (names.size() != classes) {
        throw new FlowException(classNamesFile() + ": expected the names of the model's " + classes + " classes, found " + names.size());
      }
      return names;
    } catch (IOException e) {
      throw new FlowException("cannot read " + classNamesFile() + ": " + e.getMessage(), e);
    }
  }

  /** The resolved configuration of the run. */
  public Path config() {
    return root.resolve("config.conf");
  }

  /** The metrics table. */
  public Path metrics() {
    return root.resolve("metrics.csv");
  }

  /** The folder of sample grids. */
  public Path samples() {
    return root.resolve("samples");
  }

  /** The training-curve plot. */
  public Path curve() {
    return root.resolve("training-curve.png");
  }

  /** The most recent checkpoint. */
  public Path latest() {
    return root.resolve("checkpoint-latest.ckpt");
  }

  /** The checkpoint with the best test bits/dim. */
  public Path best() {
    return root.resolve("checkpoint-best.ckpt");
  }

  /** The numbered checkpoint of a step. */
  public Path numbered(long step) {
    return root.resolve(String.format("checkpoint-%07d.ckpt", step));
  }
}
