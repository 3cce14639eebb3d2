package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FlowMath.tanh, computed through the sigmoid, against Math.tanh: values and gradient. */
class FlowMathTanhTest {
  private static final int N = 801;

  /** Points from −20 to 20 (saturated at both ends), with 0 and tiny values among them. */
  private static double[] points() {
    double[] x = new double[N];
    for (int i = 0; i < N; i++) {
      x[i] = -20 + 40.0 * i / (N - 1);
    }
    x[1] = 1e-9;
    x[2] = -3e-5;
    return x;
  }

  @ParameterizedTest
  @CsvSource({"float64, 1e-15", "float32, 3e-7"})
  void valueAndGradientMatchTheHyperbolicTangent(String type, double tolerance) {
    double[] x = points();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray input = m.create(x, new Shape(N)).toType(DataType.valueOf(type.toUpperCase()), false);
      input.setRequiresGradient(true);
      double[] y;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray out = FlowMath.tanh(input);
        y = out.toType(DataType.FLOAT64, false).toDoubleArray();
        collector.backward(out.sum());
      }
      double[] gradient = input.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
      for (int i = 0; i < N; i++) {
        double expected = Math.tanh(x[i]);
        assertEquals(expected, y[i], tolerance, "tanh(" + x[i] + ")");
        assertEquals(1 - expected * expected, gradient[i], 4 * tolerance, "tanh'(" + x[i] + ")");
      }
    }
  }
}
