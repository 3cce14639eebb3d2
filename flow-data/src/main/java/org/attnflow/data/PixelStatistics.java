package org.attnflow.data;

import org.attnflow.api.ImageShape;

/**
 * What the 8-bit pixels of a split hold, pooled over its images: the mean and standard deviation
 * of each channel and the histogram of the 256 values over all channels. From the histogram come
 * two baselines in bits per dimension: the entropy of the empirical distribution of pixel values
 * (what a model that draws every pixel independently from that histogram spends on these pixels)
 * and, for another split, its cross-entropy under this histogram.
 */
public final class PixelStatistics {
  /** The number of levels of an 8-bit pixel. */
  public static final int LEVELS = 256;
  private static final int CHUNK = 256;
  private final ImageShape shape;
  private final double[] mean;
  private final double[] std;
  private final long[] histogram;

  private PixelStatistics(ImageShape shape, double[] mean, double[] std, long[] histogram) {
    this.shape = shape;
    this.mean = mean;
    this.std = std;
    this.histogram = histogram;
  }

  /** Counts every pixel of {@code images}, a chunk of images at a time. */
  public static PixelStatistics of(DatasetImages images) {
    ImageShape shape = images.shape();
    int plane = shape.height() * shape.width();
    long[][] counts = new long[shape.channels()][LEVELS];
    for (int first = 0; first < images.count(); first += CHUNK) {
      int count = Math.min(CHUNK, images.count() - first);
      byte[] pixels = images.pixels(first, count);
      for (int p = 0; p < pixels.length; p++) {
        counts[(p / plane) % shape.channels()][pixels[p] & 0xFF]++;
      }
    }
    double[] mean = new double[shape.channels()];
    double[] std = new double[shape.channels()];
    long[] histogram = new long[LEVELS];
    for (int c = 0; c < shape.channels(); c++) {
      double n = 0;
      double sum = 0;
      double squares = 0;
      for (int v = 0; v < LEVELS; v++) {
        n += counts[c][v];
        sum += (double) v * counts[c][v];
        squares += (double) v * v * counts[c][v];
        histogram[v] += counts[c][v];
      }
      mean[c] = sum / n;
      std[c] = Math.sqrt(Math.max(0, squares / n - mean[c] * mean[c]));
    }
    return new PixelStatistics(shape, mean, std, histogram);
  }

  /** The mean pixel value (0..255) of channel {@code c}. */
  public double mean(int c) {
    return mean[c];
  }

  /** The standard deviation of the pixel values of channel {@code c} (over all its pixels of all images). */
  public double std(int c) {
    return std[c];
  }

  /** The number of channels. */
  public int channels() {
    return shape.channels();
  }

  /** How many of the 256 values occur. */
  public int distinctValues() {
    int n = 0;
    for (long count : histogram) {
      n += count > 0 ? 1 : 0;
    }
    return n;
  }

  /** log2 of the number of values that occur: the bits/dim of a uniform model over just those values. */
  public double uniformOverDistinctBitsPerDim() {
    return Math.log(distinctValues()) / Math.log(2);
  }

  /** The entropy, in bits, of the distribution of pixel values: −Σ p(v) log2 p(v) over the histogram. */
  public double histogramEntropy() {
    double total = total();
    double bits = 0;
    for (long count : histogram) {
      if (count > 0) {
        double p = count / total;
        bits -= p * Math.log(p) / Math.log(2);
      }
    }
    return bits;
  }

  /**
   * The bits per dimension of {@code other}'s pixels under this histogram smoothed by adding one to
   * every count (so that a value never seen here costs a finite amount): −Σ q(v) log2 p(v).
   */
  public double crossEntropyOf(PixelStatistics other) {
    double total = total() + LEVELS;
    double otherTotal = other.total();
    double bits = 0;
    for (int v = 0; v < LEVELS; v++) {
      if (other.histogram[v] > 0) {
        bits -= other.histogram[v] / otherTotal * Math.log((histogram[v] + 1) / total) / Math.log(2);
      }
    }
    return bits;
  }

  private double total() {
    double total = 0;
    for (long count : histogram) {
      total += count;
    }
    return total;
  }
}
