package org.attnflow.layers;

import java.util.Random;

/** A random orthogonal matrix (Gram–Schmidt of a Gaussian matrix), row-major, from a seed. */
final class RandomRotation {
  private RandomRotation() {}

  static double[] of(int n, long seed) {
    Random random = new Random(seed);
    double[] q = new double[n * n];
    for (int i = 0; i < q.length; i++) {
      q[i] = random.nextGaussian();
    }
    for (int row = 0; row < n; row++) {
      for (int prev = 0; prev < row; prev++) {
        double dot = 0;
        for (int j = 0; j < n; j++) {
          dot += q[row * n + j] * q[prev * n + j];
        }
        for (int j = 0; j < n; j++) {
          q[row * n + j] -= dot * q[prev * n + j];
        }
      }
      double norm = 0;
      for (int j = 0; j < n; j++) {
        norm += q[row * n + j] * q[row * n + j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < n; j++) {
        q[row * n + j] /= norm;
      }
    }
    return q;
  }
}
