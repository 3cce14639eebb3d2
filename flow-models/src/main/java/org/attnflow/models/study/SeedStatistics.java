package org.attnflow.models.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The mean and sample standard deviation of one figure over seeds, with a 95% confidence interval
 * for its mean from Student's t with n − 1 degrees of freedom. The interval assumes the values are
 * independent draws from one normal distribution; with one value it is undefined (NaN).
 *
 * @param n number of values
 * @param mean their mean (NaN when there are none)
 * @param standardDeviation their sample standard deviation, dividing by n − 1 (NaN when n &lt; 2)
 */
public record SeedStatistics(int n, double mean, double standardDeviation) {

  /** The statistics of {@code values}. */
  public static SeedStatistics of(List<Double> values) {
    int n = values.size();
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = n == 0 ? Double.NaN : sum / n;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return new SeedStatistics(n, mean, n < 2 ? Double.NaN : Math.sqrt(squares / (n - 1)));
  }

  /**
   * The statistics of the paired differences {@code config − baseline} over the seeds present in
   * both maps (seed → value).
   */
  public static SeedStatistics paired(Map<Long, Double> config, Map<Long, Double> baseline) {
    List<Double> differences = new ArrayList<>();
    for (Map.Entry<Long, Double> e : config.entrySet()) {
      Double base = baseline.get(e.getKey());
      if (base != null) {
        differences.add(e.getValue() - base);
      }
    }
    return of(differences);
  }

  /** The {@code p} quantile of Student's t distribution with {@code degreesOfFreedom} degrees of freedom. */
  public static double tQuantile(double p, int degreesOfFreedom) {
    return new TDistribution(null, degreesOfFreedom).inverseCumulativeProbability(p);
  }

  /** Half the width of the 95% interval: t(0.975, n − 1) · sd / √n (NaN when n &lt; 2). */
  public double halfWidth95() {
    return n < 2 ? Double.NaN : tQuantile(0.975, n - 1) * standardDeviation / Math.sqrt(n);
  }

  /** The lower end of the 95% interval of the mean. */
  public double low95() {
    return mean - halfWidth95();
  }

  /** The upper end of the 95% interval of the mean. */
  public double high95() {
    return mean + halfWidth95();
  }
}
