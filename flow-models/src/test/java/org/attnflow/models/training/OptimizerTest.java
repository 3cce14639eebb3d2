package org.attnflow.models.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.stream.Stream;
import org.attnflow.api.FlowException;
import org.attnflow.models.config.OptimizerRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flat-vector optimiser against Adam and Adamax, with and without decoupled weight decay and
 * a moving average, written out per scalar in double precision.
 */
class OptimizerTest {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.99;
  private static final double EPS = 1e-8;
  private static final Shape[] SHAPES = {new Shape(2, 3), new Shape(1), new Shape(4, 1, 2, 2)};

  static Stream<Arguments> recipes() {
    return Stream.of(Arguments.of(OptimizerRule.ADAM, 0.0, OptionalDouble.empty()),
        Arguments.of(OptimizerRule.ADAMAX, 0.0, OptionalDouble.empty()),
        Arguments.of(OptimizerRule.ADAM, 0.5, OptionalDouble.of(0.8)),
        Arguments.of(OptimizerRule.ADAMAX, 0.5, OptionalDouble.of(0.8)),
        Arguments.of(OptimizerRule.ADAM, 0.0, OptionalDouble.of(0.8)));
  }

  @ParameterizedTest
  @MethodSource("recipes")
  void threeStepsMatchTheRuleScalarByScalar(OptimizerRule rule, double weightDecay, OptionalDouble averageDecay) {
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      Random random = new Random(7);
      List<Parameter> params = parameters(manager, random);
      double[][] value = new double[SHAPES.length][];
      double[][] m = new double[SHAPES.length][];
      double[][] v = new double[SHAPES.length][];
      double[][] average = new double[SHAPES.length][];
      for (int i = 0; i < SHAPES.length; i++) {
        value[i] = toDouble(params.get(i).getArray().toFloatArray());
        m[i] = new double[value[i].length];
        v[i] = new double[value[i].length];
        average[i] = value[i].clone();
      }
      Optimizer optimizer = new Optimizer(rule, BETA1, BETA2, EPS, weightDecay, averageDecay, params, manager);
      double[] lrs = {1e-2, 5e-3, 2e-2};
      double[] scales = {1.0, 0.25, 1.0};
      for (int t = 1; t <= 3; t++) {
        double[][] grad = backwardOfWeightedSquares(params, manager, t);
        NDArray flat = optimizer.gradient();
        assertArrayEquals(toFloat(concat(grad)), flat.toFloatArray(), 1e-5f, "flat gradient at step " + t);
        optimizer.step(flat, lrs[t - 1], scales[t - 1], t);
        optimizer.zeroGradients();
        for (int i = 0; i < SHAPES.length; i++) {
          for (int k = 0; k < value[i].length; k++) {
            double g = grad[i][k] * scales[t - 1];
            m[i][k] = BETA1 * m[i][k] + (1 - BETA1) * g;
            double denominator;
            if (rule == OptimizerRule.ADAM) {
              v[i][k] = BETA2 * v[i][k] + (1 - BETA2) * g * g;
              denominator = Math.sqrt(v[i][k] / (1 - Math.pow(BETA2, t))) + EPS;
            } else {
              v[i][k] = Math.max(BETA2 * v[i][k], Math.abs(g));
              denominator = v[i][k] + EPS;
            }
            value[i][k] -= lrs[t - 1] / (1 - Math.pow(BETA1, t)) * m[i][k] / denominator + lrs[t - 1] * weightDecay * value[i][k];
            double d = averageDecay.orElse(0);
            average[i][k] = d * average[i][k] + (1 - d) * value[i][k];
          }
          assertClose(value[i], params.get(i).getArray().toFloatArray(), rule + ": parameter " + i + " after step " + t);
        }
      }
      NDList state = optimizer.state();
      assertEquals(2 * SHAPES.length, state.size());
      for (int i = 0; i < SHAPES.length; i++) {
        assertEquals(SHAPES[i], state.get(i).getShape());
        assertClose(m[i], state.get(i).toFloatArray(), "first moment " + i);
        assertClose(v[i], state.get(SHAPES.length + i).toFloatArray(), "second moment " + i);
      }
      assertEquals(averageDecay.isPresent(), optimizer.average().isPresent());
      if (averageDecay.isPresent()) {
        List<float[]> trained = values(params);
        try (Optimizer.AverageInUse inUse = optimizer.withAverage()) {
          for (int i = 0; i < SHAPES.length; i++) {
            assertClose(average[i], optimizer.average().get().get(i).toFloatArray(), "saved average " + i);
            assertClose(average[i], params.get(i).getArray().toFloatArray(), "average in use " + i);
          }
        }
        List<float[]> back = values(params);
        for (int i = 0; i < SHAPES.length; i++) {
          assertArrayEquals(trained.get(i), back.get(i), 0f, "the trained values come back exactly: parameter " + i);
        }
      }
    }
  }

  @Test
  void anAverageRoundTripsThroughLoad() {
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      List<Parameter> params = parameters(manager, new Random(5));
      Optimizer trained = new Optimizer(OptimizerRule.ADAM, BETA1, BETA2, EPS, 0, OptionalDouble.of(0.9), params, manager);
      backwardOfWeightedSquares(params, manager, 1);
      trained.step(trained.gradient(), 0.1, 1.0, 1);
      NDList saved = trained.average().orElseThrow();
      Optimizer fresh = new Optimizer(OptimizerRule.ADAM, BETA1, BETA2, EPS, 0, OptionalDouble.of(0.9), params, manager);
      fresh.loadAverage(saved);
      for (int i = 0; i < saved.size(); i++) {
        assertArrayEquals(saved.get(i).toFloatArray(), fresh.average().orElseThrow().get(i).toFloatArray(), "average " + i);
      }
    }
  }

  private static List<float[]> values(List<Parameter> params) {
    return params.stream().map(p -> p.getArray().toFloatArray()).toList();
  }

  @Test
  void stateRoundTripsThroughLoadAndRefusesOtherShapes() {
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      List<Parameter> params = parameters(manager, new Random(3));
      Optimizer trained = new Optimizer(OptimizerRule.ADAM, BETA1, BETA2, EPS, params, manager);
      backwardOfWeightedSquares(params, manager, 1);
      trained.step(trained.gradient(), 0.1, 1.0, 1);
      NDList saved = trained.state();
      Optimizer fresh = new Optimizer(OptimizerRule.ADAM, BETA1, BETA2, EPS, params, manager);
      fresh.load(saved);
      NDList restored = fresh.state();
      for (int i = 0; i < saved.size(); i++) {
        assertArrayEquals(saved.get(i).toFloatArray(), restored.get(i).toFloatArray(), "state array " + i);
      }
      NDList wrong = new NDList(saved);
      wrong.set(1, manager.zeros(new Shape(2)));
      FlowException e = assertThrows(FlowException.class, () -> fresh.load(wrong));
      assertEquals("checkpoint optimiser state has shape (2), expected (1)", e.getMessage());
      assertThrows(FlowException.class, () -> fresh.load(saved.subNDList(1)));
    }
  }

  private static List<Parameter> parameters(NDManager manager, Random random) {
    Parameter[] params = new Parameter[SHAPES.length];
    for (int i = 0; i < SHAPES.length; i++) {
      float[] values = new float[Math.toIntExact(SHAPES[i].size())];
      for (int k = 0; k < values.length; k++) {
        values[k] = (float) random.nextGaussian();
      }
      params[i] = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).optRequiresGrad(true).build();
      NDArray array = manager.create(values, SHAPES[i]);
      array.setRequiresGradient(true);
      params[i].setArray(array);
    }
    return List.of(params);
  }

  /** Backward of Σ_i Σ_k (k + 1)·t·p_ik², returning the gradients 2(k + 1)·t·p_ik. */
  private static double[][] backwardOfWeightedSquares(List<Parameter> params, NDManager manager, int t) {
    double[][] grads = new double[params.size()][];
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i).getArray();
        float[] weights = new float[Math.toIntExact(p.size())];
        float[] values = p.toFloatArray();
        grads[i] = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
          weights[k] = (k + 1) * t;
          grads[i][k] = 2.0 * weights[k] * values[k];
        }
        NDArray term = p.square().mul(manager.create(weights, p.getShape())).sum();
        loss = loss == null ? term : loss.add(term);
      }
      gc.backward(loss);
    }
    return grads;
  }

  /** Equal to float precision: within 1e-5 relative (and 1e-6 absolute near zero). */
  private static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], 1e-6 + 1e-5 * Math.abs(expected[k]), what + " [" + k + "]");
    }
  }

  private static double[] concat(double[][] parts) {
    return java.util.Arrays.stream(parts).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
