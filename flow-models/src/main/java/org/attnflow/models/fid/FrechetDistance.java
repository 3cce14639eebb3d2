package org.attnflow.models.fid;

import java.util.ArrayList;
import java.util.List;
import org.attnflow.api.FlowException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Fréchet distance between two Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂) fitted to feature vectors:
 * ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2·Tr (Σ₁Σ₂)^½, in double precision with EJML.
 *
 * <p>The product Σ₁Σ₂ is not symmetric, and a general matrix square root of it (pytorch-fid takes
 * scipy's Schur-based {@code sqrtm}) can pick up imaginary parts from rounding. Only the trace is
 * needed, though: Σ₁Σ₂ is similar to M = Σ₁^½ Σ₂ Σ₁^½, which is symmetric and positive
 * semi-definite, so Tr (Σ₁Σ₂)^½ = Σᵢ √λᵢ(M). Both steps here are symmetric eigendecompositions
 * (Σ₁ = V Λ Vᵀ gives Σ₁^½ = V Λ^½ Vᵀ, then the eigenvalues of M), which are backward stable;
 * eigenvalues that rounding pushes below zero are taken as zero.
 */
public final class FrechetDistance {
  /** Eigenvalues of M below this fraction of the largest make the product "nearly singular". */
  static final double NEARLY_SINGULAR = 1e-10;
  private static final double EPSILON = Math.ulp(1.0);

  private FrechetDistance() {}

  /**
   * A score and why it may be unreliable.
   *
   * @param value the Fréchet distance, ≥ 0
   * @param warnings one line per reason the value is defined but unreliable; empty when none
   */
  public record Result(double value, List<String> warnings) {
    /** Copies the warnings. */
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /** The distance between {@code a} and {@code b}, which must have the same number of features. */
  public static Result between(FeatureStatistics a, FeatureStatistics b) {
    int d = a.dimension();
    if (b.dimension() != d) {
      throw new FlowException("cannot compare statistics of " + d + " features with statistics of " + b.dimension());
    }
    double meanTerm = 0;
    double traces = 0;
    for (int i = 0; i < d; i++) {
      double diff = a.mean()[i] - b.mean()[i];
      meanTerm += diff * diff;
      traces += a.covariance()[i * d + i] + b.covariance()[i * d + i];
    }
    DMatrixRMaj rootA = squareRoot(symmetric(a.covariance(), d));
    DMatrixRMaj product = new DMatrixRMaj(d, d);
    DMatrixRMaj m = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(rootA, symmetric(b.covariance(), d), product);
    CommonOps_DDRM.mult(product, rootA, m);
    double[] spectrum = eigenvalues(symmetrise(m), false, null);
    double largest = 0;
    for (double v : spectrum) {
      largest = Math.max(largest, v);
    }
    double traceOfRoot = 0;
    int small = 0;
    for (double v : spectrum) {
      traceOfRoot += Math.sqrt(Math.max(v, 0));
      if (v <= NEARLY_SINGULAR * largest) {
        small++;
      }
    }
    double value = Math.max(0, meanTerm + traces - 2 * traceOfRoot);
    return new Result(value, warnings(a, b, small, largest));
  }

  private static List<String> warnings(FeatureStatistics a, FeatureStatistics b, int small, double largest) {
    int d = a.dimension();
    List<String> out = new ArrayList<>();
    for (FeatureStatistics s : List.of(a, b)) {
      if (s.count() > 0 && s.count() <= d) {
        out.add("only " + s.count() + " images for " + d + " features: their covariance is singular, so the score is"
            + " biased upwards and comparable only with scores at the same n");
      }
    }
    if (out.isEmpty() && small > 0) {
      // an eigenvalue known to about d·ε·λmax gives a square root known to about √(d·ε·λmax)
      double bound = 2 * small * Math.sqrt(d * EPSILON * largest);
      out.add(String.format("the covariance product is nearly singular (%d of %d eigenvalues below %.0e of the largest):"
          + " rounding may move the score by up to %.3g", small, d, NEARLY_SINGULAR, bound));
    }
    return out;
  }

  /** V·diag(√max(λ, 0))·Vᵀ for the eigendecomposition V·diag(λ)·Vᵀ of the symmetric {@code s}. */
  private static DMatrixRMaj squareRoot(DMatrixRMaj s) {
    int d = s.numRows;
    DMatrixRMaj vectors = new DMatrixRMaj(d, d);
    double[] values = eigenvalues(s, true, vectors);
    DMatrixRMaj scaled = vectors.copy();
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < d; k++) {
        scaled.data[i * d + k] *= Math.sqrt(Math.max(values[k], 0));
      }
    }
    DMatrixRMaj root = new DMatrixRMaj(d, d);
    CommonOps_DDRM.multTransB(scaled, vectors, root);
    return symmetrise(root);
  }

  /**
   * The eigenvalues of the symmetric {@code s}, which the decomposition may overwrite; with
   * {@code vectors}, its columns receive the eigenvectors.
   */
  private static double[] eigenvalues(DMatrixRMaj s, boolean withVectors, DMatrixRMaj vectors) {
    int d = s.numRows;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, withVectors, true);
    if (!eig.decompose(s)) {
      throw new FlowException("the symmetric eigendecomposition of a " + d + "×" + d + " covariance matrix did not converge");
    }
    double[] values = new double[d];
    for (int k = 0; k < d; k++) {
      values[k] = eig.getEigenvalue(k).real;
      if (withVectors) {
        DMatrixRMaj v = eig.getEigenVector(k);
        for (int i = 0; i < d; i++) {
          vectors.data[i * d + k] = v.data[i];
        }
      }
    }
    return values;
  }

  private static DMatrixRMaj symmetric(double[] values, int d) {
    return symmetrise(new DMatrixRMaj(d, d, true, values));
  }

  /** (S + Sᵀ)/2 in place: removes the asymmetry that rounding leaves in a product or a file. */
  private static DMatrixRMaj symmetrise(DMatrixRMaj s) {
    int d = s.numRows;
    for (int i = 0; i < d; i++) {
      for (int j = i + 1; j < d; j++) {
        double mean = 0.5 * (s.data[i * d + j] + s.data[j * d + i]);
        s.data[i * d + j] = mean;
        s.data[j * d + i] = mean;
      }
    }
    return s;
  }
}
