package org.attnflow.models;

/**
 * Test bits/dim with a 95% confidence interval of its mean over images.
 *
 * @param bpd the mean bits/dim
 * @param ci95 half-width of the 95% interval, 1.96·s/√n
 * @param images the number of test images
 */
public record Evaluation(double bpd, double ci95, int images) {

  @Override
  public String toString() {
    return String.format("%.4f ± %.4f bits/dim (95%% CI, %d images)", bpd, ci95, images);
  }
}
