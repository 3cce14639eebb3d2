package org.attnflow.data.pipeline;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.attnflow.api.FlowException;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;

/**
 * A batch stream whose batches are made ahead by one daemon worker thread and handed over
 * through a bounded queue. A failure of the worker is rethrown by {@link #next()} with its
 * message; {@link #close()} interrupts the worker and waits for it to end.
 */
public final class PrefetchingStream implements BatchStream {
  private static final long CLOSE_WAIT_MS = 5_000;
  private static final Item END = new Item(null, null);
  private final BlockingQueue<Item> queue;
  private final Thread worker;
  private boolean ended;
  private Throwable failure;
  private volatile boolean closed;

  /** Starts a worker named {@code name} that makes batches {@code first}, {@code first + 1}, … of {@code source}. */
  public PrefetchingStream(BatchSource source, long first, int capacity, String name) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker = new Thread(() -> work(source, first), name);
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public Batch next() {
    if (closed) {
      throw new IllegalStateException("the batch stream " + worker.getName() + " is closed");
    }
    if (failure == null && !ended) {
      Item item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlowException("interrupted while waiting for a batch of " + worker.getName(), e);
      }
      failure = item.failure();
      ended = item == END;
      if (item.batch() != null) {
        return item.batch();
      }
    }
    if (failure != null) {
      String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
      throw new FlowException(worker.getName() + ": " + message, failure);
    }
    return null;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    worker.interrupt();
    try {
      worker.join(CLOSE_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.clear();
  }

  private void work(BatchSource source, long first) {
    try {
      for (long index = first; ; index++) {
        Item item;
        try {
          Batch batch = source.produce(index);
          item = batch != null ? new Item(batch, null) : END;
        } catch (RuntimeException | Error e) {
          item = new Item(null, e);
        }
        queue.put(item);
        if (item.batch() == null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // close() asked the worker to stop.
    }
  }

  private record Item(Batch batch, Throwable failure) {}
}
