package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link BatchedLu} against a pivoted double-precision LU in plain Java ({@link DenseLu}).
 *
 * <p>Tolerances, per input data type. The computation runs in the input's type. The float32
 * bounds are those of the specification (1e-5 for values, relative to max(|value|, 0.1), and 1e-4
 * for gradients); float32 elimination meets them up to n = 256. The float64 bounds (1e-10) are
 * tight enough to fail if float64 inputs were eliminated in float32 (errors of 1e-7 to 1e-6 were
 * measured).
 */
class BatchedLuTest {
  private static final int BATCH = 3;
  private static final int RHS_COLUMNS = 4;
  private static final int[] SIZES = {1, 2, 3, 5, 7, 16, 33, 64, 100, 256};

  private static NDManager root;

  /** The three families of test matrices. */
  enum Kind {
    /** {@code I + softmax(logits)}: attention at full strength, g = 1. */
    ATTENTION_1,
    /** {@code I + 0.3 softmax(logits)}. */
    ATTENTION_03,
    /** Random entries in (-1, 1), diagonal of random sign just above the row's absolute sum. */
    DOMINANT
  }

  @BeforeAll
  static void openManager() {
    root = Engine.getInstance().newBaseManager();
  }

  @AfterAll
  static void closeManager() {
    root.close();
  }

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      for (int n : SIZES) {
        for (Kind kind : Kind.values()) {
          cases.add(Arguments.of(n, kind, type));
        }
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "n={0} {1} {2}")
  @MethodSource("cases")
  void logAbsDetMatchesPivotedLu(int n, Kind kind, DataType type) {
    double[][] a = matrices(kind, BATCH, n, seed(n, kind), type);
    try (NDManager manager = root.newSubManager()) {
      NDArray result = BatchedLu.logAbsDet(batch(manager, a, n, n, type));
      assertEquals(new Shape(BATCH), result.getShape());
      assertEquals(type, result.getDataType());
      assertSame(manager, result.getManager(), "the result must belong to the caller's manager");
      double[] got = doubles(result);
      for (int b = 0; b < BATCH; b++) {
        double want = new DenseLu(a[b], n).logAbsDet();
        double relative = Math.abs(got[b] - want) / Math.max(Math.abs(want), 0.1);
        assertTrue(
            relative <= valueTolerance(type),
            "matrix " + b + ": log|det| " + got[b] + ", want " + want + ", error " + relative);
      }
    }
  }

  @ParameterizedTest(name = "n={0} {1} {2}")
  @MethodSource("cases")
  void solveMatchesPivotedLu(int n, Kind kind, DataType type) {
    double[][] a = matrices(kind, BATCH, n, seed(n, kind), type);
    double[][] rhs = gaussians(BATCH, n * RHS_COLUMNS, seed(n, kind) + 1, type);
    try (NDManager manager = root.newSubManager()) {
      NDArray x =
          BatchedLu.solve(
              batch(manager, a, n, n, type), batch(manager, rhs, n, RHS_COLUMNS, type));
      assertEquals(new Shape(BATCH, n, RHS_COLUMNS), x.getShape());
      assertEquals(type, x.getDataType());
      double[] got = doubles(x);
      for (int b = 0; b < BATCH; b++) {
        double[] xb = slice(got, b, n * RHS_COLUMNS);
        double[] want = new DenseLu(a[b], n).solve(rhs[b], RHS_COLUMNS);
        // ||X - X_ref||_max / ||X_ref||_max: float32 output rounding alone gives 6e-8.
        double error = maxAbsDiff(xb, want) / maxAbs(want);
        assertTrue(error <= valueTolerance(type), "matrix " + b + ": solve error " + error);
        // Normwise backward error ||A X - B|| / (||A|| ||X|| + ||B||), row-sum norm for A.
        double[] ax = DenseLu.multiply(a[b], xb, n, n, RHS_COLUMNS);
        double residual =
            maxAbsDiff(ax, rhs[b]) / (rowSumNorm(a[b], n) * maxAbs(xb) + maxAbs(rhs[b]));
        assertTrue(
            residual <= residualTolerance(type), "matrix " + b + ": residual " + residual);
      }
    }
  }

  @ParameterizedTest(name = "n={0} {1} {2}")
  @MethodSource("cases")
  void gradientOfLogAbsDetIsInverseTranspose(int n, Kind kind, DataType type) {
    double[][] a = matrices(kind, BATCH, n, seed(n, kind), type);
    // Both a leaf and, as inside a layer, an array computed from one (input + 0).
    for (boolean leaf : new boolean[] {true, false}) {
      try (NDManager manager = root.newSubManager()) {
        NDArray input = batch(manager, a, n, n, type);
        input.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(BatchedLu.logAbsDet(leaf ? input : input.add(0)).sum());
        }
        NDArray gradient = input.getGradient();
        assertEquals(input.getShape(), gradient.getShape());
        double[] got = doubles(gradient);
        for (int b = 0; b < BATCH; b++) {
          double[] want = new DenseLu(a[b], n).inverseTranspose();
          double error = maxAbsDiff(slice(got, b, n * n), want) / maxAbs(want);
          assertTrue(error <= gradientTolerance(type), (leaf ? "leaf" : "computed") + " matrix " + b + ": gradient error " + error);
        }
      }
    }
  }

  /** Autograd of {@code sum(X * C)}, X = solve(A, B), against central differences in float64. */
  @Test
  void solveGradientMatchesFiniteDifferences() {
    int n = 5;
    DataType type = DataType.FLOAT64;
    double[][] a = matrices(Kind.ATTENTION_03, BATCH, n, 11, type);
    double[][] rhs = gaussians(BATCH, n * 2, 12, type);
    double[][] weights = gaussians(BATCH, n * 2, 13, type);
    try (NDManager manager = root.newSubManager()) {
      NDArray aNd = batch(manager, a, n, n, type);
      NDArray bNd = batch(manager, rhs, n, 2, type);
      NDArray cNd = batch(manager, weights, n, 2, type);
      aNd.setRequiresGradient(true);
      bNd.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(BatchedLu.solve(aNd, bNd).mul(cNd).sum());
      }
      double[] gradA = doubles(aNd.getGradient());
      double[] gradB = doubles(bNd.getGradient());
      double[] numericA = centralDifferences(manager, a, rhs, cNd, n, true);
      double[] numericB = centralDifferences(manager, a, rhs, cNd, n, false);
      // Step 1e-5: truncation ~1e-10 * |third derivative|, cancellation ~1e-16 / 1e-5 = 1e-11.
      double scale = Math.max(1, Math.max(maxAbs(numericA), maxAbs(numericB)));
      assertArrayEquals(numericA, gradA, 1e-7 * scale, "d loss / d A");
      assertArrayEquals(numericB, gradB, 1e-7 * scale, "d loss / d B");
      assertTrue(maxAbs(gradA) > 1e-3, "the gradient must not vanish");
    }
  }

  @Test
  void rejectsArraysThatAreNotBatchesOfSquareMatrices() {
    try (NDManager manager = root.newSubManager()) {
      NDArray nonSquare = manager.ones(new Shape(2, 3, 4));
      NDArray unbatched = manager.ones(new Shape(3, 3));
      NDArray integer = manager.ones(new Shape(2, 3, 3), DataType.INT32);
      NDArray square = manager.ones(new Shape(2, 3, 3));
      assertThrows(IllegalArgumentException.class, () -> BatchedLu.logAbsDet(nonSquare));
      assertThrows(IllegalArgumentException.class, () -> BatchedLu.logAbsDet(unbatched));
      assertThrows(IllegalArgumentException.class, () -> BatchedLu.logAbsDet(integer));
      assertThrows(
          IllegalArgumentException.class,
          () -> BatchedLu.solve(square, manager.ones(new Shape(2, 4, 1))));
      assertThrows(
          IllegalArgumentException.class,
          () -> BatchedLu.solve(square, manager.ones(new Shape(3, 3, 1))));
    }
  }

  /** Central differences of {@code sum(solve(A, B) * C)} with respect to every entry of A or B. */
  private static double[] centralDifferences(
      NDManager manager, double[][] a, double[][] rhs, NDArray weights, int n, boolean wrtA) {
    double[][] target = wrtA ? a : rhs;
    int per = target[0].length;
    double step = 1e-5;
    double[] out = new double[BATCH * per];
    for (int b = 0; b < BATCH; b++) {
      for (int k = 0; k < per; k++) {
        double saved = target[b][k];
        target[b][k] = saved + step;
        double plus = solveLoss(manager, a, rhs, weights, n);
        target[b][k] = saved - step;
        double minus = solveLoss(manager, a, rhs, weights, n);
        target[b][k] = saved;
        out[b * per + k] = (plus - minus) / (2 * step);
      }
    }
    return out;
  }

  private static double solveLoss(
      NDManager parent, double[][] a, double[][] rhs, NDArray weights, int n) {
    try (NDManager manager = parent.newSubManager()) {
      DataType type = DataType.FLOAT64;
      NDArray x = BatchedLu.solve(batch(manager, a, n, n, type), batch(manager, rhs, n, 2, type));
      return x.mul(weights).sum().getDouble();
    }
  }

  private static double valueTolerance(DataType type) {
    return type == DataType.FLOAT32 ? 1e-5 : 1e-10;
  }

  private static double residualTolerance(DataType type) {
    return type == DataType.FLOAT32 ? 1e-6 : 1e-13;
  }

  private static double gradientTolerance(DataType type) {
    return type == DataType.FLOAT32 ? 1e-4 : 1e-10;
  }

  private static long seed(int n, Kind kind) {
    return 1000L * n + kind.ordinal();
  }

  /**
   * Returns {@code batch} row-major {@code n x n} matrices of the given kind, rounded to float32
   * when {@code type} is float32 so that the reference sees exactly the engine's input.
   */
  static double[][] matrices(Kind kind, int batch, int n, long seed, DataType type) {
    Random random = new Random(seed);
    double[][] out = new double[batch][n * n];
    for (double[] w : out) {
      for (int i = 0; i < n; i++) {
        if (kind == Kind.DOMINANT) {
          double offDiagonal = 0;
          for (int j = 0; j < n; j++) {
            if (j != i) {
              w[i * n + j] = 2 * random.nextDouble() - 1;
              offDiagonal += Math.abs(w[i * n + j]);
            }
          }
          w[i * n + i] = (random.nextBoolean() ? 1 : -1) * (1.05 * offDiagonal + 0.1);
        } else {
          double g = kind == Kind.ATTENTION_1 ? 1 : 0.3;
          double[] logits = new double[n];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n; j++) {
            logits[j] = 2 * random.nextGaussian();
            max = Math.max(max, logits[j]);
          }
          double sum = 0;
          for (int j = 0; j < n; j++) {
            logits[j] = Math.exp(logits[j] - max);
            sum += logits[j];
          }
          for (int j = 0; j < n; j++) {
            w[i * n + j] = g * logits[j] / sum + (i == j ? 1 : 0);
          }
        }
      }
      roundTo(w, type);
    }
    return out;
  }

  private static double[][] gaussians(int batch, int size, long seed, DataType type) {
    Random random = new Random(seed);
    double[][] out = new double[batch][size];
    for (double[] row : out) {
      for (int k = 0; k < size; k++) {
        row[k] = random.nextGaussian();
      }
      roundTo(row, type);
    }
    return out;
  }

  private static void roundTo(double[] values, DataType type) {
    if (type == DataType.FLOAT32) {
      for (int k = 0; k < values.length; k++) {
        values[k] = (float) values[k];
      }
    }
  }

  /** Creates a {@code [batch, rows, cols]} array of the given type directly, without toType. */
  static NDArray batch(NDManager manager, double[][] data, int rows, int cols, DataType type) {
    int per = rows * cols;
    Shape shape = new Shape(data.length, rows, cols);
    if (type == DataType.FLOAT32) {
      float[] flat = new float[data.length * per];
      for (int b = 0; b < data.length; b++) {
        for (int k = 0; k < per; k++) {
          flat[b * per + k] = (float) data[b][k];
        }
      }
      return manager.create(flat, shape);
    }
    double[] flat = new double[data.length * per];
    for (int b = 0; b < data.length; b++) {
      System.arraycopy(data[b], 0, flat, b * per, per);
    }
    return manager.create(flat, shape);
  }

  static double[] doubles(NDArray array) {
    if (array.getDataType() == DataType.FLOAT64) {
      return array.toDoubleArray();
    }
    float[] values = array.toFloatArray();
    double[] out = new double[values.length];
    for (int k = 0; k < values.length; k++) {
      out[k] = values[k];
    }
    return out;
  }

  private static double[] slice(double[] flat, int index, int per) {
    double[] out = new double[per];
    System.arraycopy(flat, index * per, out, 0, per);
    return out;
  }

  private static double maxAbs(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  private static double maxAbsDiff(double[] x, double[] y) {
    assertEquals(x.length, y.length);
    double max = 0;
    for (int k = 0; k < x.length; k++) {
      max = Math.max(max, Math.abs(x[k] - y[k]));
    }
    return max;
  }

  private static double rowSumNorm(double[] a, int n) {
    double max = 0;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += Math.abs(a[i * n + j]);
      }
      max = Math.max(max, sum);
    }
    return max;
  }
}
