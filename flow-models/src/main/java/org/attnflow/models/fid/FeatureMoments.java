package org.attnflow.models.fid;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The running mean and covariance of feature vectors that arrive batch by batch, in double
 * precision, so that memory does not grow with the number of images. Each batch is centred on
 * its own mean and merged with the pairwise update of Chan, Golub and LeVeque, which avoids the
 * cancellation of the textbook sum-of-squares formula.
 */
public final class FeatureMoments {
  private final int dimension;
  private final double[] mean;
  private final DMatrixRMaj scatter;
  private long count;

  /** Empty moments of {@code dimension} features. */
  public FeatureMoments(int dimension) {
    this.dimension = dimension;
    this.mean = new double[dimension];
    this.scatter = new DMatrixRMaj(dimension, dimension);
  }

  /** The number of features per vector. */
  public int dimension() {
    return dimension;
  }

  /** The number of vectors added. */
  public long count() {
    return count;
  }

  /** Adds {@code rows} vectors stored one after another in {@code values}. */
  public void add(float[] values, int rows) {
    if (values.length != rows * dimension) {
      throw new IllegalArgumentException(rows + " vectors of " + dimension + " need " + rows * dimension + " values, found " + values.length);
    }
    if (rows == 0) {
      return;
    }
    double[] batchMean = new double[dimension];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < dimension; j++) {
        batchMean[j] += values[r * dimension + j];
      }
    }
    for (int j = 0; j < dimension; j++) {
      batchMean[j] /= rows;
    }
    DMatrixRMaj centred = new DMatrixRMaj(rows, dimension);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < dimension; j++) {
        centred.data[r * dimension + j] = values[r * dimension + j] - batchMean[j];
      }
    }
    CommonOps_DDRM.multAddTransA(centred, centred, scatter);
    long total = count + rows;
    double weight = (double) count * rows / total;
    double[] delta = new double[dimension];
    for (int j = 0; j < dimension; j++) {
      delta[j] = batchMean[j] - mean[j];
      mean[j] += delta[j] * rows / total;
    }
    for (int i = 0; i < dimension; i++) {
      for (int j = 0; j < dimension; j++) {
        scatter.data[i * dimension + j] += weight * delta[i] * delta[j];
      }
    }
    count = total;
  }

  /** The mean and the covariance normalised by n − 1, as numpy.cov computes it; needs two vectors or more. */
  public FeatureStatistics statistics() {
    if (count < 2) {
      throw new IllegalStateException("a covariance needs two feature vectors or more, found " + count);
    }
    double[] covariance = scatter.data.clone();
    for (int i = 0; i < covariance.length; i++) {
      covariance[i] /= count - 1;
    }
    return new FeatureStatistics(mean.clone(), covariance, count);
  }
}
