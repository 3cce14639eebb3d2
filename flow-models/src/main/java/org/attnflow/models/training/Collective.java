package org.attnflow.models.training;

/**
 * An all-reduce engine for data-parallel training, found with {@code ServiceLoader}; the optional
 * module {@code flow-distributed} provides one (XGBoost's collective). Rank 0 hosts the rendezvous
 * at the tracker address and joins it; the other ranks join it.
 */
public interface Collective {

  /**
   * Joins the job of {@code workers} workers as {@code rank}, through the tracker at
   * {@code host:port}, and returns when every worker has joined. A worker that does not answer
   * within {@code timeoutSeconds} fails the job.
   */
  GradientAverager join(int rank, int workers, String host, int port, int timeoutSeconds);
}
