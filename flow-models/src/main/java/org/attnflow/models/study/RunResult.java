package org.attnflow.models.study;

import java.util.Map;

/**
 * One row of a study: a configuration trained with one seed, and what it gave. Figures that are
 * not known are NaN (parameters: −1).
 *
 * @param config the configuration's name
 * @param seed the seed
 * @param finished whether the run finished (false: it failed)
 * @param steps the training steps of the run (−1 when unknown)
 * @param testBpd test bits/dim at the last step
 * @param testCi95 half-width of its 95% interval over test images
 * @param trainImagesPerSecond the median training throughput of the run's logged steps
 * @param sampleImagesPerSecond sampling throughput measured after training
 * @param parameters free trainable parameters of the model
 * @param fd the Fréchet distance of its samples at each temperature (and, where asked, after denoising)
 * @param note why the run failed, or what else went wrong (empty when nothing)
 */
public record RunResult(String config, long seed, boolean finished, long steps, double testBpd, double testCi95,
    double trainImagesPerSecond, double sampleImagesPerSecond, long parameters, Map<FidPoint, Double> fd, String note) {

  /** A run that failed, with the reason. */
  public static RunResult failed(String config, long seed, long steps, String why) {
    return new RunResult(config, seed, false, steps, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, Map.of(), why);
  }
}
