package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.Random;
import java.util.function.Supplier;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * iTrans's gradients with respect to its parameters (gate, queries, keys) and its input, through
 * both the output and the log-det, equal central differences in double precision. The layer
 * contract checks the Jacobian of the output only, not the gradient of the log-det term.
 */
class ITransGradientTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape SHAPE = new ImageShape(4, 8, 8);
  private static final double STEP = 1e-6;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "type = itrans, gate = true, gate-init = -1.0 | 0",
      "type = itrans, gate = true, gate-init = -1.0 | 1",
      "type = itrans                                | 0"})
  void gradientsEqualCentralDifferences(String config, int step) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = Layers.factory(REGISTRY, config, SHAPE, step, 5).get();
      layer.initialize(manager, DataType.FLOAT64, SHAPE.batched(2));
      perturb(layer, manager);
      NDArray x = new Noise(9).normal(manager, SHAPE.batched(2)).toType(DataType.FLOAT64, false);
      NDArray weights = new Noise(10).normal(manager, SHAPE.batched(2)).toType(DataType.FLOAT64, false);
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(loss(layer, x, weights));
      }
      int checked = 0;
      for (Pair<String, Parameter> p : layer.getParameters()) {
        if (p.getValue().requiresGradient()) {
          checked += compare(p.getKey(), p.getValue().getArray(), () -> loss(layer, x, weights), manager);
        }
      }
      NDArray input = x.duplicate();
      checked += compare("input", x, () -> loss(layer, input, weights), input, manager);
      assertTrue(checked >= 20, "too few entries checked: " + checked);
    }
  }

  /** Σ w ⊙ y + Σ log|det J|, so that both the output and the log-det carry gradient. */
  private static NDArray loss(FlowLayer layer, NDArray x, NDArray weights) {
    FlowOutput out = layer.forward(x, FlowPass.encoding());
    return out.value().mul(weights).sum().add(out.logDet().sum());
  }

  private static int compare(String name, NDArray array, Supplier<NDArray> loss, NDManager manager) {
    return compare(name, array, loss, array, manager);
  }

  /** Compares the gradient held by {@code withGradient} with central differences taken on {@code varied}. */
  private static int compare(String name, NDArray withGradient, Supplier<NDArray> loss, NDArray varied,
      NDManager manager) {
    double[] gradient = withGradient.getGradient().toDoubleArray();
    double[] values = varied.toDoubleArray();
    int count = Math.min(values.length, 8);
    for (int i = 0; i < count; i++) {
      double[] shifted = values.clone();
      shifted[i] = values[i] + STEP;
      varied.set(manager.create(shifted, varied.getShape()).toByteBuffer());
      double plus = loss.get().getDouble();
      shifted[i] = values[i] - STEP;
      varied.set(manager.create(shifted, varied.getShape()).toByteBuffer());
      double minus = loss.get().getDouble();
      varied.set(manager.create(values, varied.getShape()).toByteBuffer());
      double expected = (plus - minus) / (2 * STEP);
      assertEquals(expected, gradient[i], 1e-6 * Math.max(1, Math.abs(expected)), name + "[" + i + "]");
    }
    return count;
  }

  /** Moves every trainable parameter off its initial value, so that all of them act. */
  private static void perturb(FlowLayer layer, NDManager manager) {
    Random random = new Random(3);
    for (Pair<String, Parameter> p : layer.getParameters()) {
      if (p.getValue().requiresGradient()) {
        NDArray a = p.getValue().getArray();
        double[] v = a.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += 0.5 * random.nextGaussian();
        }
        a.set(manager.create(v, a.getShape()).toByteBuffer());
      }
    }
  }
}
