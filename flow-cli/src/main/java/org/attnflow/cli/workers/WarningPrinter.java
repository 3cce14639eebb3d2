package org.attnflow.cli.workers;

import java.io.PrintStream;
import org.attnflow.models.training.TrainingListener;

/**
 * Prints a training's warnings and nothing else: the listener of every worker but rank 0, which
 * reports the run, and the benchmark's, whose output is its figures.
 */
public final class WarningPrinter implements TrainingListener {
  private final PrintStream out;

  /** Prints to {@code out}. */
  public WarningPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void warned(String message) {
    out.println("warning: " + message);
  }
}
