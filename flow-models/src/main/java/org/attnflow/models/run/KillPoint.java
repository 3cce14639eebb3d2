package org.attnflow.models.run;

import java.util.HashMap;
import java.util.Map;

/**
 * Places in a training run where the fault-injection tests kill the process: during a step,
 * halfway through writing a checkpoint, during an evaluation and during sampling. With the system
 * property {@code attnflow.pause-at=NAME:N}, the N-th arrival at the place NAME prints
 * {@code attnflow: paused at NAME:N} on standard error and blocks until the process is killed;
 * without it, arriving tests one string and returns.
 */
public final class KillPoint {
  private static final String PAUSE_AT = System.getProperty("attnflow.pause-at", "");
  private static final Map<String, Integer> ARRIVALS = new HashMap<>();

  private KillPoint() {}

  /** Arrives at the place {@code name}. */
  public static void arrive(String name) {
    if (PAUSE_AT.isEmpty()) {
      return;
    }
    int n;
    synchronized (ARRIVALS) {
      n = ARRIVALS.merge(name, 1, Integer::sum);
    }
    if (PAUSE_AT.equals(name + ":" + n)) {
      System.err.println("attnflow: paused at " + PAUSE_AT);
      System.err.flush();
      while (true) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          // only the kill ends the pause
        }
      }
    }
  }
}
