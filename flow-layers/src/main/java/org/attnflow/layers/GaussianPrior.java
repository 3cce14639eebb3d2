package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.math.DiagonalGaussian;

/**
 * A diagonal Gaussian whose mean and log-std per entry come from {@link #parameters}; sampling at
 * temperature T draws mean + T·std·ε.
 */
abstract class GaussianPrior extends Prior {

  GaussianPrior(ImageShape latentShape, ImageShape keptShape) {
    super(latentShape, keptShape);
  }

  /** The Gaussian of a batch of {@code batch} latents given {@code condition}. */
  abstract DiagonalGaussian parameters(NDArray condition, long batch);

  @Override
  public NDArray logProb(NDArray z, NDArray kept, FlowPass pass) {
    return parameters(kept, z.getShape().get(0)).logDensity(z);
  }

  @Override
  public NDArray sample(NDManager manager, NDArray kept, long batch, FlowPass pass) {
    NDArray eps = pass.noise().normal(manager, latentShape().batched(batch));
    return parameters(kept, batch).draw(eps, pass.temperature());
  }
}
