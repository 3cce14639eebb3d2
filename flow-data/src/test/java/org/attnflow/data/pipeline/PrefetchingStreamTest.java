package org.attnflow.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.Batch;
import org.junit.jupiter.api.Test;

class PrefetchingStreamTest {
  private static final ImageShape SHAPE = new ImageShape(1, 1, 1);

  @Test
  void batchesArriveInOrderAndAFiniteStreamEndsWithNull() {
    try (PrefetchingStream stream = new PrefetchingStream(i -> i < 3 ? batch(i) : null, 0, 2, "test-finite")) {
      assertEquals(0f, stream.next().values()[0]);
      assertEquals(1f, stream.next().values()[0]);
      assertEquals(2f, stream.next().values()[0]);
      assertNull(stream.next());
      assertNull(stream.next());
    }
  }

  @Test
  void workerFailureIsRethrownWithItsMessageAfterTheBatchesBeforeIt() {
    BatchSource failing = i -> {
      if (i == 7) {
        throw new FlowException("disk on fire at batch 7");
      }
      return batch(i);
    };
    try (PrefetchingStream stream = new PrefetchingStream(failing, 5, 4, "test-failing")) {
      assertEquals(5f, stream.next().values()[0]);
      assertEquals(6f, stream.next().values()[0]);
      FlowException e = assertThrows(FlowException.class, stream::next);
      assertTrue(e.getMessage().contains("disk on fire at batch 7"), e.getMessage());
      assertThrows(FlowException.class, stream::next, "the failure is sticky");
    }
  }

  @Test
  void oneWorkerPreparesAtMostCapacityBatchesAheadAndCloseStopsIt() throws InterruptedException {
    AtomicInteger produced = new AtomicInteger();
    Set<Thread> workers = ConcurrentHashMap.newKeySet();
    PrefetchingStream stream = new PrefetchingStream(i -> {
      workers.add(Thread.currentThread());
      produced.incrementAndGet();
      return batch(i);
    }, 0, 3, "test-endless");

    waitUntil(() -> produced.get() == 4); // 3 queued, the 4th waiting for room
    Thread.sleep(50);
    assertEquals(4, produced.get(), "bounded by the queue");
    for (int i = 0; i < 10; i++) {
      assertEquals(i, (int) stream.next().values()[0]);
    }
    stream.close();

    assertEquals(1, workers.size(), "one worker thread for every batch");
    Thread worker = workers.iterator().next();
    assertTrue(worker.isDaemon());
    assertFalse(worker.isAlive(), "close() waits for the worker to end");
    assertThrows(IllegalStateException.class, stream::next);
  }

  @Test
  void closeInterruptsAWorkerBlockedOnAFullQueue() {
    Set<Thread> workers = ConcurrentHashMap.newKeySet();
    PrefetchingStream stream = new PrefetchingStream(i -> {
      workers.add(Thread.currentThread());
      return batch(i);
    }, 0, 1, "test-blocked");
    waitUntil(() -> !workers.isEmpty() && workers.iterator().next().getState() == Thread.State.WAITING);
    Thread worker = workers.iterator().next();

    long start = System.nanoTime();
    stream.close();

    assertFalse(worker.isAlive());
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "stopped promptly");
    assertSame(Thread.State.TERMINATED, worker.getState());
  }

  private static Batch batch(long index) {
    return new Batch(new float[] {index}, 1, SHAPE);
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.onSpinWait();
    }
  }
}
