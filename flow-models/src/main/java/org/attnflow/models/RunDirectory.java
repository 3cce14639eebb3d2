package org.attnflow.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.attnflow.api.FlowException;

/**
 * The layout of a run directory: the resolved configuration, {@code metrics.csv}, sample grids,
 * the training-curve plot and the checkpoints (latest, best and numbered).
 */
public record RunDirectory(Path root) {

  /** Creates the directory if needed. */
  public RunDirectory create() {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new FlowException("cannot use " + root + " as a run directory: it is a file");
    }
    try {
      Files.createDirectories(root);
      Files.createDirectories(samples());
      return this;
    } catch (IOException e) {
      throw new FlowException("cannot create run directory " + root + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
  }

  /** Creates the directory for a new run, refusing one that already holds a run's checkpoint. */
  public RunDirectory createFresh() {
    if (Files.exists(latest())) {
      throw new FlowException(root + " already holds a run (" + latest().getFileName()
          + "): continue it with --resume " + root + ", or train into another directory");
    }
    return create();
  }

  /** Fails unless this is an existing run directory with a latest checkpoint. */
  public RunDirectory requireExisting() {
    if (!Files.isDirectory(root)) {
      throw new FlowException("run directory " + root + " does not exist");
    }
    if (!Files.isRegularFile(latest())) {
      throw new FlowException(root + " has no checkpoint (expected " + latest().getFileName() + "); was it trained?");
    }
    return this;
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
