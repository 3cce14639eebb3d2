package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import org.attnflow.api.FlowException;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Frozen;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.data.Labels;

/**
 * Computes test bits/dim over the test set or a uniform sample of it, one draw of the data's
 * noise; a class-conditional model is evaluated on each image given its own label, overall and per
 * class.
 */
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
    double[] classSums = new double[model.classes()];
    int[] classCounts = new int[model.classes()];
    try (Frozen frozen = model.freeze(); BatchStream stream = data.test(batchSize, seed, limit)) {
      for (Batch b = stream.next(); b != null; b = stream.next()) {
        try (NDScope scope = new NDScope()) {
          NDArray x = b.toArray(manager);
          float[] bpd = model.bitsPerDim(x, Conditioning.pass(FlowPass.encoding(), model, b, manager)).toFloatArray();
          for (int i = 0; i < bpd.length; i++) {
            float v = bpd[i];
            sum += v;
            sumSquares += (double) v * v;
            n++;
            if (model.isConditional()) {
              classSums[b.labels()[i]] += v;
              classCounts[b.labels()[i]]++;
            }
          }
        }
      }
    }
    if (n == 0) {
      throw new FlowException("the test set is empty: nothing to evaluate");
    }
    double mean = sum / n;
    double variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
    List<String> names = data.classNames().orElse(Labels.numbered(model.classes()));
    List<Evaluation.ClassBpd> perClass = new ArrayList<>();
    for (int k = 0; k < model.classes(); k++) {
      perClass.add(new Evaluation.ClassBpd(names.get(k), classCounts[k], classCounts[k] > 0 ? classSums[k] / classCounts[k] : Double.NaN));
    }
    return new Evaluation(mean, 1.96 * Math.sqrt(variance / n), n, data.testSize(), data.noise(), data.dequantised(), perClass);
  }
}
