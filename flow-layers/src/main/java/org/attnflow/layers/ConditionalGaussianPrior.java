package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import org.attnflow.api.ImageShape;
import org.attnflow.api.math.DiagonalGaussian;
import org.attnflow.api.math.FlowMath;

/**
 * Glow's split prior: a zero-initialised 3×3 convolution (with the exp(3·logs) output scale) of
 * the kept half gives h; mean = h[:, 0::2], log-std = h[:, 1::2].
 */
public final class ConditionalGaussianPrior extends GaussianPrior {
  private final Conv conv;

  /** Creates the prior of {@code latent} given a condition of {@code condition}. */
  public ConditionalGaussianPrior(ImageShape latent, ImageShape condition) {
    super(latent, condition);
    conv = child("conv", Conv.zero(condition.channels(), 2 * latent.channels(), 3));
  }

  @Override
  DiagonalGaussian parameters(NDArray condition, long batch) {
    NDArray h = conv.apply(condition);
    return new DiagonalGaussian(FlowMath.alternateChannels(h, 0), FlowMath.alternateChannels(h, 1));
  }
}
