package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.attnflow.api.Frozen;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;

/** Computes test bits/dim over the test set or a uniform sample of it, one draw of the data's noise. */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Evaluates {@code model} on the test set, or on a uniform sample of {@code limit} of its images
   * (the same for every model and run; all when ≤ 0).
   */
  public static Evaluation evaluate(FlowModel model, DataPipeline data, NDManager manager, int batchSize, int limit, long seed) {
    double sum = 0;
    double sumSquares = 0;
    int n = 0;
    try (Frozen frozen = model.freeze(); BatchStream stream = data.test(batchSize, seed, limit)) {
      for (Batch b = stream.next(); b != null; b = stream.next()) {
        try (NDScope scope = new NDScope()) {
          NDArray x = b.toArray(manager);
          for (float v : model.bitsPerDim(x).toFloatArray()) {
            sum += v;
            sumSquares += (double) v * v;
            n++;
          }
        }
      }
    }
    if (n == 0) {
      throw new org.attnflow.api.FlowException("the test set is empty: nothing to evaluate");
    }
    double mean = sum / n;
    double variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
    return new Evaluation(mean, 1.96 * Math.sqrt(variance / n), n, data.testSize(), data.noise(), data.dequantised());
  }
}
