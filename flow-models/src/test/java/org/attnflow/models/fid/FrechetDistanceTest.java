package org.attnflow.models.fid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.attnflow.api.FlowException;
import org.attnflow.api.io.Npz;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

/**
 * The Fréchet distance against closed forms, its symmetry, the streaming moments against the
 * two-pass formula and against the order and batching of the samples, the warnings, and the
 * validation of statistics read from a file.
 */
class FrechetDistanceTest {

  @Test
  void equalSetsAreAtDistanceZero() {
    for (int d : new int[] {1, 8, 64}) {
      FeatureStatistics s = moments(gaussianSamples(new Random(d), 4 * d + 50, d, 3.0), d, 17).statistics();
      double value = FrechetDistance.between(s, s).value();
      double scale = 2 * trace(s);
      assertTrue(value <= 1e-6 * scale, "d = " + d + ": " + value + " against a scale of " + scale);
    }
  }

  @Test
  void diagonalCovariancesGiveTheClosedForm() {
    double[] mu1 = {0.5, -1.0, 2.0, 0.0};
    double[] mu2 = {1.5, -1.0, 0.0, 0.25};
    double[] a = {1.0, 4.0, 0.25, 9.0};
    double[] b = {4.0, 1.0, 0.25, 2.0};
    double expected = 0;
    for (int i = 0; i < 4; i++) {
      expected += Math.pow(mu1[i] - mu2[i], 2) + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
    }
    // 1 + 0 + 4 + 1/16 + (1 + 1 + 0 + (3 − √2)²)
    assertEquals(7.0625 + Math.pow(3 - Math.sqrt(2), 2), expected, 1e-12, "hand value");
    assertEquals(expected, FrechetDistance.between(stats(mu1, diagonal(a)), stats(mu2, diagonal(b))).value(), 1e-10);
  }

  @Test
  void commutingCovariancesGiveTheClosedForm() {
    int d = 12;
    Random random = new Random(5);
    DMatrixRMaj q = randomRotation(d, random);
    double[] a = new double[d];
    double[] b = new double[d];
    double[] mu1 = new double[d];
    double[] mu2 = new double[d];
    double expected = 0;
    for (int i = 0; i < d; i++) {
      a[i] = 0.1 + 5 * random.nextDouble();
      b[i] = 0.1 + 5 * random.nextDouble();
      mu1[i] = random.nextGaussian();
      mu2[i] = random.nextGaussian();
      expected += Math.pow(mu1[i] - mu2[i], 2) + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
    }
    double value = FrechetDistance.between(stats(mu1, rotate(q, a)), stats(mu2, rotate(q, b))).value();
    assertEquals(expected, value, 1e-9 * expected);
  }

  @Test
  void twoByTwoNonCommutingCovariancesGiveTheClosedForm() {
    // for a 2×2 matrix P with eigenvalues p, q ≥ 0: Tr √P = √p + √q = √(Tr P + 2·√det P)
    double[] s1 = {2.0, 0.6, 0.6, 1.0};
    double[] s2 = {1.0, -0.3, -0.3, 3.0};
    double[] p = {s1[0] * s2[0] + s1[1] * s2[2], s1[0] * s2[1] + s1[1] * s2[3],
        s1[2] * s2[0] + s1[3] * s2[2], s1[2] * s2[1] + s1[3] * s2[3]};
    double traceOfRoot = Math.sqrt(p[0] + p[3] + 2 * Math.sqrt(p[0] * p[3] - p[1] * p[2]));
    double expected = 0.25 + 1.0 + (s1[0] + s1[3]) + (s2[0] + s2[3]) - 2 * traceOfRoot;
    double value = FrechetDistance.between(stats(new double[] {0.5, 1.0}, s1), stats(new double[] {0.0, 0.0}, s2)).value();
    assertEquals(expected, value, 1e-12);
  }

  @Test
  void theDistanceIsSymmetric() {
    int d = 24;
    FeatureStatistics a = moments(gaussianSamples(new Random(1), 300, d, 1.0), d, 64).statistics();
    FeatureStatistics b = moments(correlatedSamples(new Random(2), 300, d), d, 64).statistics();
    double ab = FrechetDistance.between(a, b).value();
    double ba = FrechetDistance.between(b, a).value();
    assertTrue(ab > 1, "the sets differ: " + ab);
    assertEquals(ab, ba, 1e-9 * ab);
  }

  @Test
  void theOrderAndBatchingOfTheSamplesDoNotMatter() {
    int d = 16;
    List<float[]> samples = correlatedSamples(new Random(3), 500, d);
    FeatureStatistics reference = moments(gaussianSamples(new Random(4), 500, d, 1.0), d, 50).statistics();
    FeatureStatistics inOrder = moments(samples, d, 50).statistics();
    List<float[]> shuffled = new ArrayList<>(samples);
    Collections.shuffle(shuffled, new Random(9));
    FeatureStatistics reordered = moments(shuffled, d, 7).statistics();
    for (int i = 0; i < d * d; i++) {
      assertEquals(inOrder.covariance()[i], reordered.covariance()[i], 1e-12 * (1 + Math.abs(inOrder.covariance()[i])));
    }
    double value = FrechetDistance.between(inOrder, reference).value();
    assertEquals(value, FrechetDistance.between(reordered, reference).value(), 1e-10 * value);
  }

  @Test
  void streamingMomentsEqualTheTwoPassFormulaEvenFarFromZero() {
    int d = 5;
    Random random = new Random(11);
    List<float[]> samples = new ArrayList<>();
    for (int n = 0; n < 301; n++) {
      float[] v = new float[d];
      for (int j = 0; j < d; j++) {
        v[j] = (float) (1000 + j + 0.01 * random.nextGaussian());
      }
      samples.add(v);
    }
    FeatureStatistics s = moments(samples, d, 32).statistics();
    assertEquals(301, s.count());
    double[] mean = new double[d];
    for (float[] v : samples) {
      for (int j = 0; j < d; j++) {
        mean[j] += v[j] / 301.0;
      }
    }
    for (int i = 0; i < d; i++) {
      assertEquals(mean[i], s.mean()[i], 1e-9);
      for (int j = 0; j < d; j++) {
        double c = 0;
        for (float[] v : samples) {
          c += (v[i] - mean[i]) * (v[j] - mean[j]);
        }
        assertEquals(c / 300, s.covariance()[i * d + j], 1e-9 * Math.abs(s.covariance()[i * d + i]) + 1e-15);
      }
    }
  }

  @Test
  void sampledGaussiansApproachTheirPopulationDistance() {
    int d = 3;
    double[] scale = {1.0, 2.0, 0.5};
    Random random = new Random(21);
    List<float[]> x = new ArrayList<>();
    List<float[]> y = new ArrayList<>();
    for (int n = 0; n < 200000; n++) {
      float[] u = new float[d];
      float[] v = new float[d];
      for (int j = 0; j < d; j++) {
        u[j] = (float) (random.nextGaussian() * scale[j]);
        v[j] = (float) (1 + random.nextGaussian());
      }
      x.add(u);
      y.add(v);
    }
    // population: ‖(−1, −1, −1)‖² + Σ (σⱼ − 1)² = 3 + 0 + 1 + 0.25
    double value = FrechetDistance.between(moments(x, d, 100).statistics(), moments(y, d, 100).statistics()).value();
    assertEquals(4.25, value, 0.05); // about four standard errors at n = 200,000
  }

  @Test
  void unreliableScoresCarryAWarningThatSaysWhy() {
    int d = 32;
    FeatureStatistics many = moments(gaussianSamples(new Random(1), 400, d, 1.0), d, 100).statistics();
    FeatureStatistics other = moments(correlatedSamples(new Random(2), 400, d), d, 100).statistics();
    assertEquals(List.of(), FrechetDistance.between(many, other).warnings());

    FeatureStatistics few = moments(gaussianSamples(new Random(3), 20, d, 1.0), d, 10).statistics();
    List<String> warnings = FrechetDistance.between(few, many).warnings();
    assertEquals(1, warnings.size(), warnings::toString);
    assertTrue(warnings.get(0).contains("only 20 images for 32 features"), warnings::toString);

    // the same singular covariance read from a file (count unknown): the product is nearly singular
    FeatureStatistics fromFile = new FeatureStatistics(few.mean(), few.covariance(), 0);
    warnings = FrechetDistance.between(fromFile, many).warnings();
    assertEquals(1, warnings.size(), warnings::toString);
    assertTrue(warnings.get(0).contains("nearly singular (13 of 32 eigenvalues"), warnings::toString);
  }

  @Test
  void statisticsFromAFileAreValidated() {
    Path file = Path.of("stats.npz");
    Npz.Array mu = Npz.Array.ofDoubles(new int[] {2}, new double[] {0, 1});
    FeatureStatistics ok = FeatureStatistics.fromNpz(file, Map.of("mu", mu, "sigma", Npz.Array.ofDoubles(new int[] {2, 2}, new double[] {1, 0, 0, 1})));
    assertEquals(2, ok.dimension());
    assertEquals(0, ok.count());

    assertMessage("stats.npz: sigma must have shape (2, 2) to match mu (2,), found shape (3, 3)",
        () -> FeatureStatistics.fromNpz(file, Map.of("mu", mu, "sigma", Npz.Array.ofDoubles(new int[] {3, 3}, new double[9]))));
    assertMessage("stats.npz: mu must be a vector of shape (d,), found shape (1, 2)",
        () -> FeatureStatistics.fromNpz(file, Map.of("mu", Npz.Array.ofDoubles(new int[] {1, 2}, new double[2]),
            "sigma", Npz.Array.ofDoubles(new int[] {2, 2}, new double[4]))));
    assertMessage("stats.npz: sigma holds a non-finite value (NaN) at flat index 3",
        () -> FeatureStatistics.fromNpz(file, Map.of("mu", mu, "sigma", Npz.Array.ofDoubles(new int[] {2, 2}, new double[] {1, 0, 0, Double.NaN}))));
    assertMessage("stats.npz: expected the arrays mu and sigma (pytorch-fid's layout), found mu",
        () -> FeatureStatistics.fromNpz(file, Map.of("mu", mu)));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable read) {
    assertEquals(expected, assertThrows(FlowException.class, read).getMessage());
  }

  private static FeatureStatistics stats(double[] mean, double[] covariance) {
    return new FeatureStatistics(mean, covariance, 0);
  }

  private static double trace(FeatureStatistics s) {
    double t = 0;
    for (int i = 0; i < s.dimension(); i++) {
      t += s.covariance()[i * s.dimension() + i];
    }
    return t;
  }

  private static double[] diagonal(double[] values) {
    int d = values.length;
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      m[i * d + i] = values[i];
    }
    return m;
  }

  /** Q·diag(values)·Qᵀ. */
  private static double[] rotate(DMatrixRMaj q, double[] values) {
    DMatrixRMaj scaled = q.copy();
    CommonOps_DDRM.multCols(scaled, values);
    DMatrixRMaj out = new DMatrixRMaj(q.numRows, q.numRows);
    CommonOps_DDRM.multTransB(scaled, q, out);
    return out.data;
  }

  private static DMatrixRMaj randomRotation(int d, Random random) {
    DMatrixRMaj m = new DMatrixRMaj(d, d);
    for (int i = 0; i < m.data.length; i++) {
      m.data[i] = random.nextGaussian();
    }
    QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(d, d);
    assertTrue(qr.decompose(m));
    return qr.getQ(null, false);
  }

  private static FeatureMoments moments(List<float[]> samples, int d, int batch) {
    FeatureMoments moments = new FeatureMoments(d);
    for (int from = 0; from < samples.size(); from += batch) {
      int rows = Math.min(batch, samples.size() - from);
      float[] values = new float[rows * d];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(samples.get(from + r), 0, values, r * d, d);
      }
      moments.add(values, rows);
    }
    return moments;
  }

  private static List<float[]> gaussianSamples(Random random, int n, int d, double scale) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[d];
      for (int j = 0; j < d; j++) {
        v[j] = (float) (scale * random.nextGaussian());
      }
      out.add(v);
    }
    return out;
  }

  /** Samples whose features are mixed, so their covariance does not commute with a diagonal one. */
  private static List<float[]> correlatedSamples(Random random, int n, int d) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[d];
      double shared = random.nextGaussian();
      for (int j = 0; j < d; j++) {
        v[j] = (float) (0.5 + shared * (j % 3) + random.nextGaussian() * (1 + j % 4));
      }
      out.add(v);
    }
    return out;
  }
}
