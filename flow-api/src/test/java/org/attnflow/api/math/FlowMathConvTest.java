package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The convolution against the sum written out by hand, with a narrow output (returned in NCHW
 * order) and a wide one (kept channels-last).
 */
class FlowMathConvTest {
  private static final int B = 2;
  private static final int CIN = 3;
  private static final int H = 5;
  private static final int W = 4;

  @Test
  void layoutChangesKeepTheLogicalShapeAndEveryValue() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] values = random(B * CIN * H * W, 1);
      NDArray x = m.create(values, new Shape(B, CIN, H, W));
      NDArray once = FlowMath.channelsLast(x);
      NDArray twice = FlowMath.channelsLast(once);
      assertEquals(x.getShape(), once.getShape());
      assertArrayEquals(values, once.toFloatArray());
      assertArrayEquals(values, twice.toFloatArray());
      NDArray back = FlowMath.channelsFirst(once);
      assertEquals(x.getShape(), back.getShape());
      assertArrayEquals(values, back.toFloatArray());
    }
  }

  /** Each of the three paths: matrix product (1×1, narrow), NCHW output (3×3, narrow), channels-last output. */
  @ParameterizedTest
  @CsvSource({"1, 4", "3, 4", "1, " + FlowMath.WIDE, "3, " + FlowMath.WIDE})
  void aSameConvolutionMatchesTheSumWrittenOut(int k, int cout) {
    float[] x = random(B * CIN * H * W, 2);
    float[] w = random(cout * CIN * k * k, 3);
    float[] bias = random(cout, 4);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] y = FlowMath.conv(m.create(x, new Shape(B, CIN, H, W)), m.create(w, new Shape(cout, CIN, k, k)),
          m.create(bias, new Shape(cout))).toFloatArray();
      assertEquals(B * cout * H * W, y.length);
      for (int b = 0; b < B; b++) {
        for (int o = 0; o < cout; o++) {
          for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
              double sum = bias[o];
              for (int c = 0; c < CIN; c++) {
                for (int di = -k / 2; di <= k / 2; di++) {
                  for (int dj = -k / 2; dj <= k / 2; dj++) {
                    int si = i + di;
                    int sj = j + dj;
                    if (si >= 0 && si < H && sj >= 0 && sj < W) {
                      sum += (double) x[((b * CIN + c) * H + si) * W + sj] * w[((o * CIN + c) * k + di + k / 2) * k + dj + k / 2];
                    }
                  }
                }
              }
              assertEquals(sum, y[((b * cout + o) * H + i) * W + j], 1e-4, "y[" + b + "," + o + "," + i + "," + j + "]");
            }
          }
        }
      }
    }
  }

  private static float[] random(int n, long seed) {
    Random random = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
