package org.attnflow.models;

/**
 * A path between two latent vectors a and b, for t from 0 (a) to 1 (b). Both kinds give a and b
 * exactly at the ends.
 */
public enum Interpolation {
  /** (1 − t)·a + t·b. */
  LINEAR {
    @Override
    double[] weights(float[] a, float[] b, double t) {
      return new double[] {1 - t, t};
    }
  },
  /**
   * Spherical linear interpolation, sin((1 − t)ω)/sin ω · a + sin(tω)/sin ω · b with ω the angle
   * between a and b: it follows the great circle at constant angular speed, so it keeps the norm
   * when |a| = |b|. Linear when sin ω is about 0 (a and b parallel or opposite, or one is zero),
   * where the great circle is not defined.
   */
  SPHERICAL {
    @Override
    double[] weights(float[] a, float[] b, double t) {
      double dot = 0;
      double aa = 0;
      double bb = 0;
      for (int i = 0; i < a.length; i++) {
        dot += (double) a[i] * b[i];
        aa += (double) a[i] * a[i];
        bb += (double) b[i] * b[i];
      }
      double omega = Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(aa * bb))));
      double sin = Math.sin(omega);
      if (!(sin > PARALLEL)) {
        return LINEAR.weights(a, b, t);
      }
      return new double[] {Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin};
    }
  };

  /** Below this sin ω, two vectors count as parallel (or one as zero). */
  private static final double PARALLEL = 1e-6;

  /** The weights of a and b at t. */
  abstract double[] weights(float[] a, float[] b, double t);

  /** The point at {@code t} ∈ [0, 1] of the path from {@code a} to {@code b} (of equal length). */
  public float[] at(float[] a, float[] b, double t) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("cannot interpolate between vectors of " + a.length + " and " + b.length + " values");
    }
    double[] w = weights(a, b, t);
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) (w[0] * a[i] + w[1] * b[i]);
    }
    return out;
  }
}
