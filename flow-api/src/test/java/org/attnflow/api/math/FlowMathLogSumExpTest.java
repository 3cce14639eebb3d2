package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FlowMath.logSumExp against a sum in double precision: every axis position and size (the maximum
 * it takes out is found by halving the axis, an odd size's middle entry apart), values far outside
 * exp's range with one entry of each group far above the rest, and the gradient, which is the
 * softmax over the axis.
 */
class FlowMathLogSumExpTest {
  private static final int OUTER = 3;
  private static final int INNER = 5;

  @ParameterizedTest
  @CsvSource({"1, 1", "2, 1", "3, 1", "4, 1", "5, 2", "7, 0", "32, 1", "33, 2"})
  void valueAndGradientMatchADirectSum(int size, int axis) {
    long[] dims = axis == 0 ? new long[] {size, OUTER * INNER} : axis == 1 ? new long[] {OUTER, size, INNER} : new long[] {OUTER, INNER, size};
    int before = axis == 0 ? 1 : axis == 1 ? OUTER : OUTER * INNER;
    int after = axis == 0 ? OUTER * INNER : axis == 1 ? INNER : 1;
    Random random = new Random(size * 31L + axis);
    double[] x = new double[before * size * after];
    for (int i = 0; i < x.length; i++) {
      // each group gets its own offset, some of them beyond exp's range in either direction
      x[i] = 4 * random.nextGaussian() + ((i / after / size) % 3 - 1) * 1000.0;
    }
    for (int b = 0; b < before; b++) {
      for (int a = 0; a < after; a++) {
        // one entry per group stands 800 above the rest: taking out any other maximum overflows
        x[(b * size + random.nextInt(size)) * after + a] += 800;
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray input = m.create(x, new Shape(dims));
      input.setRequiresGradient(true);
      double[] value;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray out = FlowMath.logSumExp(input, axis);
        value = out.toDoubleArray();
        collector.backward(out.sum());
      }
      double[] gradient = input.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
      for (int b = 0; b < before; b++) {
        for (int a = 0; a < after; a++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < size; k++) {
            max = Math.max(max, x[(b * size + k) * after + a]);
          }
          double sum = 0;
          for (int k = 0; k < size; k++) {
            sum += Math.exp(x[(b * size + k) * after + a] - max);
          }
          double expected = max + Math.log(sum);
          assertEquals(expected, value[b * after + a], 1e-12 * Math.max(1, Math.abs(expected)), "group " + b + ", " + a);
          for (int k = 0; k < size; k++) {
            int i = (b * size + k) * after + a;
            assertEquals(Math.exp(x[i] - expected), gradient[i], 1e-12, "softmax at " + i);
          }
        }
      }
    }
  }
}
