package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The channels-last convolution path against convolution written out by hand. */
class FlowMathConvTest {
  private static final int B = 2;
  private static final int CIN = 3;
  private static final int COUT = 4;
  private static final int H = 5;
  private static final int W = 4;

  @Test
  void channelsLastKeepsTheLogicalShapeAndEveryValue() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] values = random(B * CIN * H * W, 1);
      NDArray x = m.create(values, new Shape(B, CIN, H, W));
      NDArray once = FlowMath.channelsLast(x);
      NDArray twice = FlowMath.channelsLast(once);
      assertEquals(x.getShape(), once.getShape());
      assertArrayEquals(values, once.toFloatArray());
      assertArrayEquals(values, twice.toFloatArray());
    }
  }

  @Test
  void aThreeByThreeSameConvolutionMatchesTheSumWrittenOut() {
    float[] x = random(B * CIN * H * W, 2);
    float[] w = random(COUT * CIN * 3 * 3, 3);
    float[] bias = random(COUT, 4);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] y = FlowMath.conv(m.create(x, new Shape(B, CIN, H, W)), m.create(w, new Shape(COUT, CIN, 3, 3)),
          m.create(bias, new Shape(COUT))).toFloatArray();
      assertEquals(B * COUT * H * W, y.length);
      for (int b = 0; b < B; b++) {
        for (int o = 0; o < COUT; o++) {
          for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
              double sum = bias[o];
              for (int c = 0; c < CIN; c++) {
                for (int di = -1; di <= 1; di++) {
                  for (int dj = -1; dj <= 1; dj++) {
                    int si = i + di;
                    int sj = j + dj;
                    if (si >= 0 && si < H && sj >= 0 && sj < W) {
                      sum += (double) x[((b * CIN + c) * H + si) * W + sj] * w[((o * CIN + c) * 3 + di + 1) * 3 + dj + 1];
                    }
                  }
                }
              }
              assertEquals(sum, y[((b * COUT + o) * H + i) * W + j], 1e-4, "y[" + b + "," + o + "," + i + "," + j + "]");
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
