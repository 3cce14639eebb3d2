package org.attnflow.models.training;

import ai.djl.ndarray.NDArray;

/**
 * How the workers of a data-parallel run agree on each optimiser step. Every worker computes the
 * gradient of its shard of the global batch; {@link #average} returns on every worker the mean of
 * the workers' gradients and losses (the gradient of the global batch's mean loss, since the
 * shards are equal), and whether any worker was asked to stop, so that all apply the same update
 * and stop after the same step. {@link #SINGLE} is the one-process run: it returns its argument.
 */
public interface GradientAverager extends AutoCloseable {

  /** The one-process run: the only worker, rank 0 of 1. */
  GradientAverager SINGLE = new GradientAverager() {
    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int workers() {
      return 1;
    }

    @Override
    public Share average(Share local) {
      return local;
    }

    @Override
    public void barrier() {}

    @Override
    public void close() {}
  };

  /** This worker's rank, from 0 to {@link #workers()} − 1; rank 0 alone writes the run directory. */
  int rank();

  /** The number of workers. */
  int workers();

  /**
   * The mean over the workers of their shares of step {@code local.step()}: the flat gradient
   * (in the manager of {@code local.gradient()}), the bits/dim, and whether any worker asked to stop.
   * Throws a {@link org.attnflow.api.FlowException} naming the cause when a worker failed, did
   * not answer in time, or is at another step.
   */
  Share average(Share local);

  /**
   * Returns when every worker has called it: lets the workers start a step together (the
   * benchmark's turns with a reference, which only rank 0 takes). Throws a
   * {@link org.attnflow.api.FlowException} when a worker failed or did not answer in time.
   */
  void barrier();

  /** Leaves the job after a run that ended well (a failed worker only exits: the goodbye would wait for the others). */
  @Override
  void close();

  /**
   * One worker's part of a step, or the workers' agreed step.
   *
   * @param step the number of steps completed before this one
   * @param gradient the flat gradient ({@link Optimizer#gradient()})
   * @param bpd the mean training bits/dim
   * @param stop whether a stop was asked for
   */
  record Share(long step, NDArray gradient, double bpd, boolean stop) {}
}
