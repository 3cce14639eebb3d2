package org.attnflow.distributed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import org.attnflow.models.training.GradientAverager;

/**
 * Measures the collective's sum all-reduce as the trainer calls it (a direct float32 buffer reduced
 * in place): one worker of a job, started once per rank by {@code bench/allreduce.sh}. Rank 0
 * prints, per vector length, the median and best time of the timed rounds after warm-up, the
 * algorithm bandwidth (bytes / time) and the bus bandwidth of a ring (2(N − 1)/N · bytes / time).
 */
public final class AllReduceBenchmark {
  private static final int WARMUP = 3;

  private AllReduceBenchmark() {}

  /** {@code RANK WORKERS HOST PORT ROUNDS FLOATS...}. */
  public static void main(String[] args) {
    int rank = Integer.parseInt(args[0]);
    int workers = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[4]);
    GradientAverager job = new XGBoostCollective().join(rank, workers, args[2], Integer.parseInt(args[3]), 120);
    for (int i = 5; i < args.length; i++) {
      int floats = Integer.parseInt(args[i]);
      ByteBuffer values = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
      for (int j = 0; j < floats; j++) {
        values.putFloat(j * Float.BYTES, (j % 1000) * 1e-3f);
      }
      double[] ms = new double[rounds];
      for (int r = -WARMUP; r < rounds; r++) {
        long begin = System.nanoTime();
        NativeAllReduce.sum(values, floats);
        if (r >= 0) {
          ms[r] = (System.nanoTime() - begin) / 1e6;
        }
      }
      Arrays.sort(ms);
      double median = ms[rounds / 2];
      double bytes = (double) floats * Float.BYTES;
      if (rank == 0) {
        System.out.println(String.format(Locale.ROOT,
            "workers %d  floats %,d (%.1f MB)  median %.3f ms  best %.3f ms  algorithm bandwidth %.2f GB/s  bus bandwidth %.2f GB/s",
            workers, floats, bytes / 1e6, median, ms[0], bytes / median / 1e6, 2.0 * (workers - 1) / workers * bytes / median / 1e6));
      }
    }
    job.close();
  }
}
