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
  private static final int WIDE = FlowMath.WIDE;
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

  /**
   * Every path: matrix product (1×1, narrow output), narrow and wide outputs, narrow inputs and
   * wide ones stored either way.
   */
  @ParameterizedTest
  @CsvSource({"1, 3, 4, false", "3, 3, 4, false", "1, 3, " + WIDE + ", false", "3, 3, " + WIDE + ", false",
      "3, " + WIDE + ", 4, false", "3, " + WIDE + ", 4, true", "1, " + WIDE + ", " + WIDE + ", true",
      "3, " + WIDE + ", " + WIDE + ", true"})
  void aSameConvolutionMatchesTheSumWrittenOut(int k, int cin, int cout, boolean channelsLastInput) {
    float[] x = random(B * cin * H * W, 2);
    float[] w = random(cout * cin * k * k, 3);
    float[] bias = random(cout, 4);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray input = m.create(x, new Shape(B, cin, H, W));
      float[] y = FlowMath.conv(channelsLastInput ? FlowMath.channelsLast(input) : input, m.create(w, new Shape(cout, cin, k, k)),
          m.create(bias, new Shape(cout))).toFloatArray();
      assertEquals(B * cout * H * W, y.length);
      for (int b = 0; b < B; b++) {
        for (int o = 0; o < cout; o++) {
          for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
              double sum = bias[o];
              for (int c = 0; c < cin; c++) {
                for (int di = -k / 2; di <= k / 2; di++) {
                  for (int dj = -k / 2; dj <= k / 2; dj++) {
                    int si = i + di;
                    int sj = j + dj;
                    if (si >= 0 && si < H && sj >= 0 && sj < W) {
                      sum += (double) x[((b * cin + c) * H + si) * W + sj] * w[((o * cin + c) * k + di + k / 2) * k + dj + k / 2];
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
