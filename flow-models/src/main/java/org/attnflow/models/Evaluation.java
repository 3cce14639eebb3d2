package org.attnflow.models;

import java.util.List;
import java.util.Locale;
import org.attnflow.api.data.DataPipeline;

/**
 * Test bits/dim with a 95% confidence interval of its mean over images, the noise it was measured
 * under, and for a class-conditional model the class-conditional bits/dim of each class. Under
 * anything but uniform dequantisation (TarFlow's Gaussian noise) it is the bits/dim of the noisy
 * images, which the text says, since it does not compare with the others.
 *
 * @param bpd the mean bits/dim
 * @param ci95 half-width of the 95% interval, 1.96·s/√n
 * @param images the number of test images evaluated
 * @param testSize the number of images in the test set (more than {@code images} for a uniform sample)
 * @param noise how pixels became values ({@link DataPipeline#noise()})
 * @param dequantised whether that was uniform dequantisation ({@link DataPipeline#dequantised()})
 * @param perClass the mean of each class's test images in label order, empty for an unconditional model
 */
public record Evaluation(double bpd, double ci95, int images, int testSize, String noise, boolean dequantised,
    List<ClassBpd> perClass) {

  /**
   * The test bits/dim of one class: the mean over its images of −log₂ p(x | class) per dimension.
   *
   * @param name the class name
   * @param images the number of its test images evaluated
   * @param bpd their mean bits/dim, NaN when there is none
   */
  public record ClassBpd(String name, int images, double bpd) {}

  /** Copies the per-class list. */
  public Evaluation {
    perClass = List.copyOf(perClass);
  }

  /** The evaluation of an unconditional model. */
  public Evaluation(double bpd, double ci95, int images, int testSize, String noise, boolean dequantised) {
    this(bpd, ci95, images, testSize, noise, dequantised, List.of());
  }

  @Override
  public String toString() {
    String under = dequantised ? "" : "; under " + noise + ", not comparable with bits/dim under uniform dequantisation";
    return String.format(Locale.ROOT, "%.4f ± %.4f bits/dim (95%% CI, %s%s)", bpd, ci95,
        DataPipeline.describeTestImages(images, testSize), under);
  }
}
