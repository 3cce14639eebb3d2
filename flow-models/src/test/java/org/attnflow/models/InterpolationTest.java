package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interpolation maths on plain vectors. */
class InterpolationTest {

  @Test
  void slerpOfTwoUnitVectorsStaysOnTheSphere() {
    Random random = new Random(1);
    for (int pair = 0; pair < 20; pair++) {
      float[] a = unit(random, 16);
      float[] b = unit(random, 16);
      for (double t = 0; t <= 1; t += 0.125) {
        assertEquals(1, norm(Interpolation.SPHERICAL.at(a, b, t)), 1e-6, "pair " + pair + " at t = " + t);
      }
    }
  }

  @Test
  void linearInterpolationLeavesTheSphereWhereSlerpDoesNot() {
    float[] a = {1, 0, 0};
    float[] b = {0, 1, 0};
    assertArrayEquals(new float[] {0.5f, 0.5f, 0}, Interpolation.LINEAR.at(a, b, 0.5), 0f);
    assertEquals(Math.sqrt(0.5), norm(Interpolation.LINEAR.at(a, b, 0.5)), 1e-7);
    float h = (float) Math.sqrt(0.5);
    assertArrayEquals(new float[] {h, h, 0}, Interpolation.SPHERICAL.at(a, b, 0.5), 1e-7f);
  }

  @Test
  void slerpMovesAtConstantAngularSpeed() {
    float[] a = {1, 0};
    float[] b = {-0.5f, (float) Math.sqrt(0.75)};  // 120° apart
    for (double t = 0; t <= 1; t += 0.25) {
      float[] p = Interpolation.SPHERICAL.at(a, b, t);
      assertEquals(t * 2 * Math.PI / 3, Math.atan2(p[1], p[0]), 1e-6, "angle at t = " + t);
    }
  }

  @Test
  void bothKindsGiveTheEndPointsExactly() {
    Random random = new Random(2);
    float[] a = scaled(unit(random, 50), 3.7f);
    float[] b = scaled(unit(random, 50), 0.2f);
    for (Interpolation how : Interpolation.values()) {
      assertArrayEquals(a, how.at(a, b, 0), 0f, how + " at t = 0");
      assertArrayEquals(b, how.at(a, b, 1), 0f, how + " at t = 1");
    }
  }

  @Test
  void slerpFallsBackToLinearForParallelOppositeOrZeroVectors() {
    float[] a = {1, 2, 3};
    for (float[] b : new float[][] {{2, 4, 6}, {-1, -2, -3}, {0, 0, 0}}) {
      assertArrayEquals(Interpolation.LINEAR.at(a, b, 0.3), Interpolation.SPHERICAL.at(a, b, 0.3), 0f);
    }
  }

  @Test
  void vectorsOfDifferentLengthsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Interpolation.LINEAR.at(new float[2], new float[3], 0.5));
  }

  private static float[] unit(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return scaled(v, (float) (1 / norm(v)));
  }

  private static float[] scaled(float[] v, float s) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * s;
    }
    return out;
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }
}
