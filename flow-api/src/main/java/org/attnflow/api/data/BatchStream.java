package org.attnflow.api.data;

/** Batches prepared off the training thread, in a deterministic order. Close it to stop the worker. */
public interface BatchStream extends AutoCloseable {

  /** The next batch, or null at the end of a finite stream; blocks until it is ready. */
  Batch next();

  @Override
  void close();
}
