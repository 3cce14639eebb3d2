package org.attnflow.api.math;

/**
 * LU factorisation with partial pivoting, P·A = L·U, in plain Java double precision, for small
 * matrices: initial values of layers and reference values in tests. Matrices are row-major
 * {@code double[n * n]}.
 */
public final class DenseLu {
  private final int n;
  private final double[] lu;
  private final int[] perm;
  private final int sign;

  /** Factorises {@code P A = L U} for the row-major {@code n x n} matrix {@code a}. */
  public DenseLu(double[] a, int n) {
    if (a.length != n * n) {
      throw new IllegalArgumentException("expected " + n * n + " entries, got " + a.length);
    }
    this.n = n;
    this.lu = a.clone();
    this.perm = new int[n];
    int s = 1;
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) {
          p = i;
        }
      }
      if (p != k) {
        for (int j = 0; j < n; j++) {
          double t = lu[k * n + j];
          lu[k * n + j] = lu[p * n + j];
          lu[p * n + j] = t;
        }
        int t = perm[k];
        perm[k] = perm[p];
        perm[p] = t;
        s = -s;
      }
      double pivot = lu[k * n + k];
      if (pivot == 0) {
        throw new ArithmeticException("singular matrix at column " + k);
      }
      for (int i = k + 1; i < n; i++) {
        double f = lu[i * n + k] / pivot;
        lu[i * n + k] = f;
        if (f != 0) {
          for (int j = k + 1; j < n; j++) {
            lu[i * n + j] -= f * lu[k * n + j];
          }
        }
      }
    }
    this.sign = s;
  }

  /** Returns {@code log|det A|}. */
  public double logAbsDet() {
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += Math.log(Math.abs(lu[k * n + k]));
    }
    return sum;
  }

  /** Returns the sign of {@code det A}, +1 or -1. */
  public int detSign() {
    int s = sign;
    for (int k = 0; k < n; k++) {
      if (lu[k * n + k] < 0) {
        s = -s;
      }
    }
    return s;
  }

  /** Solves {@code A X = B} for the row-major {@code n x m} right-hand side {@code b}. */
  public double[] solve(double[] b, int m) {
    double[] x = new double[n * m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(b, perm[i] * m, x, i * m, m);
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i; k++) {
        double f = lu[i * n + k];
        for (int j = 0; j < m; j++) {
          x[i * m + j] -= f * x[k * m + j];
        }
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      for (int k = i + 1; k < n; k++) {
        double f = lu[i * n + k];
        for (int j = 0; j < m; j++) {
          x[i * m + j] -= f * x[k * m + j];
        }
      }
      double d = lu[i * n + i];
      for (int j = 0; j < m; j++) {
        x[i * m + j] /= d;
      }
    }
    return x;
  }

  /** Returns {@code A^-T}, row-major, the gradient of {@code log|det A|} with respect to A. */
  public double[] inverseTranspose() {
    double[] identity = new double[n * n];
    for (int i = 0; i < n; i++) {
      identity[i * n + i] = 1;
    }
    double[] inv = solve(identity, n);
    double[] t = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        t[j * n + i] = inv[i * n + j];
      }
    }
    return t;
  }

  /** Returns {@code A B} for row-major {@code A} ({@code n x k}) and {@code B} ({@code k x m}). */
  public static double[] multiply(double[] a, double[] b, int n, int k, int m) {
    double[] c = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < k; l++) {
        double f = a[i * k + l];
        for (int j = 0; j < m; j++) {
          c[i * m + j] += f * b[l * m + j];
        }
      }
    }
    return c;
  }

  /** The unit lower-triangular factor L, row-major. */
  public double[] lower() {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        l[i * n + j] = lu[i * n + j];
      }
      l[i * n + i] = 1;
    }
    return l;
  }

  /** The upper-triangular factor U (with its diagonal), row-major. */
  public double[] upper() {
    double[] u = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        u[i * n + j] = lu[i * n + j];
      }
    }
    return u;
  }

  /** The permutation matrix Q with A = Q·L·U (Q is the transpose of the row pivoting P), row-major. */
  public double[] permutationMatrix() {
    double[] q = new double[n * n];
    for (int i = 0; i < n; i++) {
      q[perm[i] * n + i] = 1;
    }
    return q;
  }
}
