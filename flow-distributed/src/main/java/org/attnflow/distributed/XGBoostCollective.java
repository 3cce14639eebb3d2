package org.attnflow.distributed;

import java.util.Map;
import ml.dmlc.xgboost4j.java.Communicator;
import ml.dmlc.xgboost4j.java.RabitTracker;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.attnflow.api.FlowException;
import org.attnflow.models.training.Collective;
import org.attnflow.models.training.GradientAverager;

/**
 * XGBoost's collective (Rabit, as XGBoost-on-Spark uses it): rank 0 starts a {@code RabitTracker}
 * at the tracker address, every rank joins with {@code Communicator.init}, and gradients are summed
 * by its ring all-reduce ({@link RingAverager}). A worker that joins before the tracker is up
 * retries ({@link #RETRIES} times, with growing pauses).
 */
public final class XGBoostCollective implements Collective {
  /** The XGBoost4J version this module is built and tested with. */
  static final String VERSION = "3.0.4";
  /** Connection attempts to the tracker and between workers. */
  static final int RETRIES = 6;

  static {
    // XGBoost4J is on the class path (it has no valid module name): this module reads it.
    XGBoostCollective.class.getModule().addReads(XGBoostCollective.class.getClassLoader().getUnnamedModule());
  }

  /** Creates the provider; nothing is loaded before {@link #join}. */
  public XGBoostCollective() {}

  @Override
  public GradientAverager join(int rank, int workers, String host, int port, int timeoutSeconds) {
    String where = "tracker " + host + ":" + port;
    RabitTracker tracker = null;
    try {
      if (rank == 0) {
        tracker = new RabitTracker(workers, host, port, timeoutSeconds);
        tracker.start();
      }
      Communicator.init(Map.of(
          "dmlc_communicator", "rabit",
          "dmlc_tracker_uri", host,
          "dmlc_tracker_port", port,
          "dmlc_task_id", Integer.toString(rank),
          "dmlc_timeout", timeoutSeconds,
          "dmlc_retry", RETRIES));
      int world = Communicator.getWorldSize();
      if (world != workers) {
        throw new FlowException(where + " has a job of " + world + " workers, this worker was told --world " + workers);
      }
      return new RingAverager(rank, workers, tracker, timeoutSeconds);
    } catch (XGBoostError e) {
      throw new FlowException("worker " + rank + " of " + workers + " cannot join the job at " + where + ": "
          + causes(e.getMessage()), e);
    }
  }

  /** The causes XGBoost lists in an error message ("- [file:line|time]: cause" lines), on one line, without the native stack. */
  static String causes(String message) {
    String causes = message == null ? "" : message.lines().map(String::strip).filter(l -> l.startsWith("- ["))
        .map(l -> l.replaceFirst("^- \\[[^]]*\\]:\\s*", "")).reduce((a, b) -> a + "; " + b).orElse("");
    return causes.isEmpty() ? String.valueOf(message).lines().findFirst().orElse("") : causes;
  }
}
