package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.attnflow.api.Condition;
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
 * class, or, as {@link #marginal}, by its marginal likelihood over the classes.
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Evaluates {@code model} on the test set, or on a uniform sample of {@code limit} of its images
   * (the same for every model and run; all when ≤ 0).
   */
  public static Evaluation evaluate(FlowModel model, DataPipeline data, NDManager manager, int batchSize, int limit, long seed) {
    Mean all = new Mean();
    Mean[] classes = new Mean[model.classes()];
    Arrays.setAll(classes, k -> new Mean());
    forEachTestBatch(model, data, manager, batchSize, limit, seed, (b, x) -> {
      float[] bpd = model.bitsPerDim(x, Conditioning.pass(FlowPass.encoding(), model, b, manager)).toFloatArray();
      for (int i = 0; i < bpd.length; i++) {
        all.add(bpd[i]);
        if (model.isConditional()) {
          classes[b.labels()[i]].add(bpd[i]);
        }
      }
    });
    List<String> names = data.classNames().orElse(Labels.numbered(model.classes()));
    List<Evaluation.ClassBpd> perClass = new ArrayList<>();
    for (int k = 0; k < model.classes(); k++) {
      perClass.add(new Evaluation.ClassBpd(names.get(k), classes[k].n, classes[k].n > 0 ? classes[k].mean() : Double.NaN));
    }
    return all.evaluation(data, perClass);
  }

  /**
   * Evaluates a class-conditional {@code model} by its marginal likelihood under uniform class
   * probabilities, p(x) = (1/K)·Σ_y p(x | y), which needs no label and compares with an
   * unconditional model's bits/dim: every image is encoded under each of the K classes (K passes,
   * the same dequantisation draw), and its bits/dim is −log₂ p(x) per dimension. Test images as in
   * {@link #evaluate}.
   */
  public static Evaluation marginal(FlowModel model, DataPipeline data, NDManager manager, int batchSize, int limit, long seed) {
    if (!model.isConditional()) {
      throw new IllegalArgumentException("the marginal over classes needs a class-conditional model (model.classes > 0)");
    }
    int classCount = model.classes();
    Mean all = new Mean();
    forEachTestBatch(model, data, manager, batchSize, limit, seed, (b, x) -> {
      float[][] underClass = new float[classCount][];
      for (int k = 0; k < classCount; k++) {
        int[] labels = new int[b.size()];
        Arrays.fill(labels, k);
        FlowPass pass = FlowPass.encoding().conditionedOn(Condition.ofClasses(manager, labels, classCount));
        underClass[k] = model.bitsPerDim(x, pass).toFloatArray();
      }
      for (int i = 0; i < b.size(); i++) {
        double[] bpd = new double[classCount];
        for (int k = 0; k < classCount; k++) {
          bpd[k] = underClass[k][i];
        }
        all.add(marginalBpd(bpd, model.dimensions()));
      }
    });
    return all.evaluation(data, List.of());
  }

  /**
   * Runs {@code work} on each test batch (its labels and its values as an array in {@code manager})
   * with the model frozen, each batch's arrays freed when its work returns.
   */
  private static void forEachTestBatch(FlowModel model, DataPipeline data, NDManager manager, int batchSize, int limit, long seed,
      BiConsumer<Batch, NDArray> work) {
    try (Frozen frozen = model.freeze(); BatchStream stream = data.test(batchSize, seed, limit)) {
      for (Batch b = stream.next(); b != null; b = stream.next()) {
        try (NDScope scope = new NDScope()) {
          work.accept(b, b.toArray(manager));
        }
      }
    }
  }

  /**
   * −log₂((1/K)·Σ_k 2^{−D·b_k}) / D: the bits/dim of the mixture with equal weights of K densities
   * whose bits/dim over D dimensions are {@code bpd}, computed around the smallest so that nothing
   * underflows.
   */
  static double marginalBpd(double[] bpd, long dimensions) {
    double best = Arrays.stream(bpd).min().orElseThrow();
    double sum = 0;
    for (double b : bpd) {
      sum += Math.pow(2, -dimensions * (b - best));
    }
    return best - Math.log(sum / bpd.length) / Math.log(2) / dimensions;
  }

  /** The running mean and 95% interval of per-image bits/dim. */
  private static final class Mean {
    private double sum;
    private double sumSquares;
    private int n;

    void add(double v) {
      sum += v;
      sumSquares += v * v;
      n++;
    }

    double mean() {
      return sum / n;
    }

    Evaluation evaluation(DataPipeline data, List<Evaluation.ClassBpd> perClass) {
      if (n == 0) {
        throw new FlowException("the test set is empty: nothing to evaluate");
      }
      double mean = mean();
      double variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
      return new Evaluation(mean, 1.96 * Math.sqrt(variance / n), n, data.testSize(), data.noise(), data.dequantised(), perClass);
    }
  }
}
