package org.attnflow.distributed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import ml.dmlc.xgboost4j.java.Communicator;
import ml.dmlc.xgboost4j.java.RabitTracker;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.attnflow.api.FlowException;
import org.attnflow.api.math.FlowMath;
import org.attnflow.models.training.GradientAverager;

/**
 * One worker of a job on XGBoost's collective. Each step takes two sum all-reduces: the flat
 * gradient (in place, in the tensor's own memory when the engine lends it as a direct buffer) and
 * three scalars (bits/dim, the stop flag, and the step modulo 2¹⁶ to check that every worker is at
 * the same step). The sums are the same bits on every worker, so the parameters stay identical.
 * After a failure the worker leaves without the goodbye, which would wait for the dead peer. On a
 * clean exit it prints the time its steps spent averaging, in the collective and in all.
 */
final class RingAverager implements GradientAverager {
  /** The step is checked modulo this, so that the sum of the workers' values stays exact in float32. */
  private static final int STEP_MODULUS = 1 << 16;
  private final int rank;
  private final int workers;
  private final RabitTracker tracker;
  private final int timeoutSeconds;
  private final ByteBuffer scalars = ByteBuffer.allocateDirect(3 * Float.BYTES).order(ByteOrder.nativeOrder());
  /** The one value a barrier sums. */
  private final ByteBuffer mark = ByteBuffer.allocateDirect(Float.BYTES).order(ByteOrder.nativeOrder());
  /** A direct buffer for gradients the engine does not lend as one (grown on demand). */
  private ByteBuffer staging = ByteBuffer.allocateDirect(0);
  private boolean failed;
  private long steps;
  private long collectiveNanos;
  private long averagingNanos;

  RingAverager(int rank, int workers, RabitTracker tracker, int timeoutSeconds) {
    this.rank = rank;
    this.workers = workers;
    this.tracker = tracker;
    this.timeoutSeconds = timeoutSeconds;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int workers() {
    return workers;
  }

  @Override
  public Share average(Share local) {
    long begin = System.nanoTime();
    NDArray gradient = local.gradient();
    int count = Math.toIntExact(gradient.size());
    ByteBuffer values = direct(gradient);
    float stepMark = local.step() % STEP_MODULUS;
    scalars.clear();
    scalars.putFloat(0, (float) local.bpd()).putFloat(Float.BYTES, local.stop() ? 1 : 0).putFloat(2 * Float.BYTES, stepMark);
    long reduceBegin = System.nanoTime();
    try {
      NativeAllReduce.sum(values, count);
      NativeAllReduce.sum(scalars, 3);
      collectiveNanos += System.nanoTime() - reduceBegin;
    } catch (FlowException e) {
      throw lostOthers("step " + (local.step() + 1) + ": ", "", e);
    }
    if (scalars.getFloat(2 * Float.BYTES) != workers * stepMark) {
      failed = true;
      throw new FlowException("step " + (local.step() + 1) + ": the workers are at different steps (they resumed from"
          + " different checkpoints?); worker " + rank + " is at step " + local.step());
    }
    NDArray sum = gradient.getManager().create(values.asFloatBuffer().limit(count), new Shape(count));
    Share agreed = new Share(local.step(), FlowMath.scale(sum, 1.0 / workers), scalars.getFloat(0) / workers,
        scalars.getFloat(Float.BYTES) > 0);
    steps++;
    averagingNanos += System.nanoTime() - begin;
    return agreed;
  }

  @Override
  public void barrier() {
    try {
      NativeAllReduce.sum(mark, 1);
    } catch (FlowException e) {
      throw lostOthers("", " at a barrier", e);
    }
  }

  /** Marks this averager failed and returns the error for a collective ({@code cause}) that lost the other workers. */
  private FlowException lostOthers(String prefix, String where, FlowException cause) {
    failed = true;
    return new FlowException(prefix + "worker " + rank + " of " + workers + " lost the others" + where + " (one failed,"
        + " stopped or did not answer within " + timeoutSeconds + " s): " + cause.getMessage(), cause);
  }

  /** The gradient's values in a native-order direct buffer: its own memory when the engine lends it, else a copy. */
  private ByteBuffer direct(NDArray gradient) {
    ByteBuffer own = gradient.toByteBuffer(true);
    if (own.isDirect()) {
      return own.order(ByteOrder.nativeOrder());
    }
    if (staging.capacity() < own.remaining()) {
      staging = ByteBuffer.allocateDirect(own.remaining()).order(ByteOrder.nativeOrder());
    }
    staging.clear();
    staging.put(own.order(ByteOrder.nativeOrder())).flip();
    return staging;
  }

  @Override
  public void close() {
    if (failed) {
      return;
    }
    if (steps > 0) {
      System.out.println(String.format(Locale.ROOT, "worker %d of %d: %d steps averaged, %.2f ms per step in the all-reduce,"
          + " %.2f ms with the copies", rank, workers, steps, collectiveNanos / 1e6 / steps, averagingNanos / 1e6 / steps));
    }
    try {
      Communicator.shutdown();
      if (tracker != null) {
        tracker.waitFor(timeoutSeconds * 1000L);
        tracker.stop();
      }
    } catch (XGBoostError e) {
      throw new FlowException("worker " + rank + " of " + workers + " could not leave the job cleanly: "
          + XGBoostCollective.causes(e.getMessage()), e);
    }
  }
}
