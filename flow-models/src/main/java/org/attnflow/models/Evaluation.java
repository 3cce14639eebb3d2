package org.attnflow.models;

import java.util.Locale;
import org.attnflow.api.data.DataPipeline;

/**
 * Test bits/dim with a 95% confidence interval of its mean over images.
 *
 * @param bpd the mean bits/dim
 * @param ci95 half-width of the 95% interval, 1.96·s/√n
 * @param images the number of test images evaluated
 * @param testSize the number of images in the test set (more than {@code images} for a uniform sample)
 */
public record Evaluation(double bpd, double ci95, int images, int testSize) {

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.4f ± %.4f bits/dim (95%% CI, %s)", bpd, ci95, DataPipeline.describeTestImages(images, testSize));
  }
}
