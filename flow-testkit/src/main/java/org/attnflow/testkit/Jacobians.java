package org.attnflow.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.attnflow.api.FlowPass;
import org.attnflow.api.math.DenseLu;

/**
 * Brute-force Jacobians by reverse-mode autograd, one output coordinate at a time, with their
 * log|det| from a pivoted double-precision LU. For tiny inputs only: it runs one backward pass per
 * input scalar. The Jacobian has the floating-point type of {@code x} (float32 or float64).
 */
public final class Jacobians {
  private Jacobians() {}

  /**
   * Per-sample log|det| of the Jacobian of {@code f} at {@code x}. {@code f} maps a batch (B, …)
   * to (B, D) with D the number of scalars per input sample, sample b of the output depending only
   * on sample b of the input.
   */
  public static double[] logAbsDet(UnaryOperator<NDArray> f, NDArray x) {
    int batch = (int) x.getShape().get(0);
    int d = (int) (x.size() / batch);
    double[][] jac = new double[batch][d * d];
    for (int row = 0; row < d; row++) {
      NDArray xi = x.duplicate();
      xi.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = f.apply(xi);
        if (y.getShape().get(1) != d) {
          throw new AssertionError("the map sends " + d + " inputs per sample to " + y.getShape().get(1) + " outputs");
        }
        gc.backward(y.get(":, " + row).sum());
      }
      double[] g = Values.of(xi.getGradient());
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < d; j++) {
          jac[b][row * d + j] = g[b * d + j];
        }
      }
    }
    double[] out = new double[batch];
    for (int b = 0; b < batch; b++) {
      out[b] = new DenseLu(jac[b], d).logAbsDet();
    }
    return out;
  }

  /** The value and the latents a pass factored out, flattened per sample and concatenated: (B, D). */
  public static NDArray flatten(NDArray value, FlowPass pass) {
    long batch = value.getShape().get(0);
    NDList parts = new NDList(value.reshape(batch, -1));
    for (NDArray latent : pass.latents()) {
      parts.add(latent.reshape(batch, -1));
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
  }
}
