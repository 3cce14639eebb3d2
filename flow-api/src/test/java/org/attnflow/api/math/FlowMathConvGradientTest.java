package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link FlowMath#conv} and its three gradients (of the input, the kernel and the bias) against
 * float64 sums written out, on the shapes for which the engine's own convolution kernels were found
 * to compute wrong values on some CPUs, their neighbours, and the shapes of the benchmark models.
 * A wrong kernel here means silently wrong training, so every value is compared, not a summary.
 */
class FlowMathConvGradientTest {
  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest(name = "{0}×{0} kernel, dilation {1}, {2} → {3} channels, batch {4}, {5}×{5}")
  @CsvSource({
      // one input channel: the engine's gradient of the input was wrong
      "3, 1, 1, 3, 3, 8", "5, 2, 1, 17, 3, 8", "3, 1, 1, 64, 3, 8", "1, 1, 1, 40, 3, 8", "5, 1, 1, 8, 2, 4",
      // wide outputs that are not a multiple of 32: the engine's output was wrong
      "1, 1, 2, 33, 3, 8", "1, 1, 64, 65, 3, 8", "1, 1, 64, 80, 3, 8", "3, 1, 64, 48, 3, 8", "5, 1, 8, 65, 3, 8",
      "1, 1, 17, 100, 2, 8",
      // glow32's shapes and other narrow and wide ones, which were right
      "3, 1, 2, 64, 4, 16", "1, 1, 64, 64, 4, 16", "3, 1, 64, 4, 4, 16", "3, 1, 64, 8, 3, 8", "3, 1, 4, 64, 3, 8",
      "3, 1, 64, 16, 3, 4", "1, 1, 64, 96, 2, 8", "3, 2, 32, 32, 2, 8", "3, 1, 3, 5, 3, 8"})
  void valueAndGradientsMatchTheSumsWrittenOut(int k, int dilation, int cin, int cout, int batch, int size) {
    Random random = new Random(31L * cin + cout + 7L * k + batch);
    double[] x = gaussian(random, batch * cin * size * size);
    double[] w = gaussian(random, cout * cin * k * k);
    double[] bias = gaussian(random, cout);
    double[] g = gaussian(random, batch * cout * size * size);
    Reference ref = new Reference(x, w, bias, g, batch, cin, cout, size, k, dilation);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray xa = array(m, x, batch, cin, size, size);
      NDArray wa = array(m, w, cout, cin, k, k);
      NDArray ba = array(m, bias, cout);
      NDArray ga = array(m, g, batch, cout, size, size);
      xa.setRequiresGradient(true);
      wa.setRequiresGradient(true);
      ba.setRequiresGradient(true);
      NDArray y;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        y = FlowMath.conv(xa, wa, ba, dilation);
        collector.backward(y.mul(ga).sum());
      }
      assertEquals(new Shape(batch, cout, size, size), y.getShape());
      assertClose("output", ref.y, y);
      assertClose("gradient of the input", ref.dx, xa.getGradient());
      assertClose("gradient of the kernel", ref.dw, wa.getGradient());
      assertClose("gradient of the bias", ref.db, ba.getGradient());
    }
  }

  /** The convolution y = bias + Σ x·w ("same" zero padding) and the gradients of Σ g·y, in float64. */
  private static final class Reference {
    final double[] y;
    final double[] dx;
    final double[] dw;
    final double[] db;

    Reference(double[] x, double[] w, double[] bias, double[] g, int batch, int cin, int cout, int size, int k, int d) {
      y = new double[g.length];
      dx = new double[x.length];
      dw = new double[w.length];
      db = new double[cout];
      int half = k / 2;
      for (int b = 0; b < batch; b++) {
        for (int o = 0; o < cout; o++) {
          for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
              int yi = ((b * cout + o) * size + i) * size + j;
              double sum = bias[o];
              db[o] += g[yi];
              for (int c = 0; c < cin; c++) {
                for (int di = 0; di < k; di++) {
                  for (int dj = 0; dj < k; dj++) {
                    int si = i + d * (di - half);
                    int sj = j + d * (dj - half);
                    if (si >= 0 && si < size && sj >= 0 && sj < size) {
                      int xi = ((b * cin + c) * size + si) * size + sj;
                      int wi = ((o * cin + c) * k + di) * k + dj;
                      sum += x[xi] * w[wi];
                      dx[xi] += g[yi] * w[wi];
                      dw[wi] += g[yi] * x[xi];
                    }
                  }
                }
              }
              y[yi] = sum;
            }
          }
        }
      }
    }
  }

  /** Every element within {@link #TOLERANCE} of the largest reference magnitude, and finite. */
  private static void assertClose(String what, double[] expected, NDArray actual) {
    float[] got = actual.toFloatArray();
    assertEquals(expected.length, got.length, what + ": size");
    double scale = 1e-12;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < got.length; i++) {
      double error = Math.abs(got[i] - expected[i]);
      int index = i;
      assertTrue(error <= TOLERANCE * scale,
          () -> what + ": element " + index + " is " + got[index] + ", the float64 sum " + expected[index]);
    }
  }

  private static NDArray array(NDManager m, double[] values, long... shape) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return FlowMath.array(m, f, new Shape(shape));
  }

  /** Gaussian values rounded to float, so that both sides start from the same numbers. */
  private static double[] gaussian(Random random, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
