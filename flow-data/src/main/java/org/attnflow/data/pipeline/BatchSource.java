package org.attnflow.data.pipeline;

import org.attnflow.api.data.Batch;

/** Makes batches by index; the worker of a {@link PrefetchingStream} calls it with 0, 1, 2, … from a start. */
public interface BatchSource {

  /** Batch {@code index}, or null when the stream has no more. */
  Batch produce(long index);
}
