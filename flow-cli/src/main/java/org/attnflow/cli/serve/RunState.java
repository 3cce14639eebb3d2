package org.attnflow.cli.serve;

import java.util.Locale;

/** Where a run stands, as its directory tells. */
enum RunState {
  /** A live trainer holds its lock ({@code train.lock}). */
  RUNNING,
  /** It reached its last step, and that step's evaluation when the run evaluates. */
  FINISHED,
  /** Its last training failed ({@code failure.txt} says why). */
  FAILED,
  /** Nobody trains it and it has not reached its last step: stopped, killed, or not begun. */
  STOPPED;

  /** The word shown for it. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
