package org.attnflow.models.fid;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.attnflow.api.FlowException;
import org.attnflow.api.io.Npz;

/**
 * The mean and covariance of the feature vectors of a set of images, in double precision: the
 * Gaussian a Fréchet distance compares. In a {@code .npz} file they are the arrays {@code mu}
 * (shape (d,)) and {@code sigma} (shape (d, d)), the layout pytorch-fid reads and writes.
 *
 * @param mean the mean feature vector, d values
 * @param covariance the covariance matrix, d·d values row after row (normalised by n − 1)
 * @param count the number of images it was computed from; 0 when unknown (read from a file)
 */
public record FeatureStatistics(double[] mean, double[] covariance, long count) {
  /** Name of the mean array in a {@code .npz} file. */
  public static final String MU = "mu";
  /** Name of the covariance array in a {@code .npz} file. */
  public static final String SIGMA = "sigma";

  /** Validates that the covariance is d×d for a mean of d values. */
  public FeatureStatistics {
    if (mean.length == 0 || covariance.length != (long) mean.length * mean.length) {
      throw new IllegalArgumentException(mean.length + " means need a " + mean.length + "×" + mean.length
          + " covariance, found " + covariance.length + " values");
    }
  }

  /** The number of features d. */
  public int dimension() {
    return mean.length;
  }

  /** The arrays {@code mu} and {@code sigma} of a {@code .npz} file. */
  public Map<String, Npz.Array> toNpz() {
    Map<String, Npz.Array> arrays = new LinkedHashMap<>();
    arrays.put(MU, Npz.Array.ofDoubles(new int[] {dimension()}, mean));
    arrays.put(SIGMA, Npz.Array.ofDoubles(new int[] {dimension(), dimension()}, covariance));
    return arrays;
  }

  /**
   * The statistics in the arrays {@code mu} and {@code sigma} read from {@code file}, failing with
   * the file and what is wrong when one is missing, their shapes disagree or a value is not finite.
   */
  public static FeatureStatistics fromNpz(Path file, Map<String, Npz.Array> arrays) {
    Npz.Array mu = arrays.get(MU);
    Npz.Array sigma = arrays.get(SIGMA);
    if (mu == null || sigma == null) {
      throw new FlowException(file + ": expected the arrays mu and sigma (pytorch-fid's layout), found "
          + (arrays.isEmpty() ? "none" : String.join(", ", arrays.keySet())));
    }
    int d = mu.shape().length == 1 ? mu.shape()[0] : -1;
    if (d < 1) {
      throw new FlowException(file + ": mu must be a vector of shape (d,), found shape " + mu.shapeText());
    }
    if (sigma.shape().length != 2 || sigma.shape()[0] != d || sigma.shape()[1] != d) {
      throw new FlowException(file + ": sigma must have shape (" + d + ", " + d + ") to match mu " + mu.shapeText()
          + ", found shape " + sigma.shapeText());
    }
    return new FeatureStatistics(finite(file, MU, mu.doubles()), finite(file, SIGMA, sigma.doubles()), 0);
  }

  private static double[] finite(Path file, String name, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new FlowException(file + ": " + name + " holds a non-finite value (" + values[i] + ") at flat index " + i);
      }
    }
    return values;
  }
}
