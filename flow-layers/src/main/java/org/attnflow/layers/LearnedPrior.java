package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.math.DiagonalGaussian;

/**
 * An unconditional Gaussian with a learned mean and log-std per channel (Glow's "learn top"),
 * both starting at zero, so it starts as the standard normal.
 */
public final class LearnedPrior extends GaussianPrior {
  private final Parameter mean;
  private final Parameter logStd;

  /** Creates the prior over latents of {@code shape}. */
  public LearnedPrior(ImageShape shape) {
    super(shape, null);
    mean = parameter("mean", new Shape(1, shape.channels(), 1, 1), Init.constant(0));
    logStd = parameter("logstd", new Shape(1, shape.channels(), 1, 1), Init.constant(0));
  }

  @Override
  DiagonalGaussian parameters(NDArray condition, long batch) {
    return new DiagonalGaussian(mean.getArray(), logStd.getArray());
  }
}
