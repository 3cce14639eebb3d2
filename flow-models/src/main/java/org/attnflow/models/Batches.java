package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.data.Batch;

/** Turns prepared batches into engine arrays. */
final class Batches {
  private Batches() {}

  static NDArray toArray(NDManager manager, Batch b) {
    return manager.create(b.values(), b.shape().batched(b.size()));
  }
}
