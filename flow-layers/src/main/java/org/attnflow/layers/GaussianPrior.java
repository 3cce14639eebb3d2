package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.math.FlowMath;

/**
 * A diagonal Gaussian whose mean and log-std per entry come from {@link #parameters}; sampling at
 * temperature T draws mean + T·std·ε.
 */
abstract class GaussianPrior extends Prior {

  GaussianPrior(ImageShape latentShape, ImageShape conditionShape) {
    super(latentShape, conditionShape);
  }

  /** The mean and the log-std, each broadcastable to (B, C, H, W). */
  abstract NDArray[] parameters(NDArray condition, long batch);

  @Override
  public NDArray logProb(NDArray z, NDArray condition) {
    NDArray[] p = parameters(condition, z.getShape().get(0));
    return FlowMath.gaussianLogDensity(z, p[0], p[1]);
  }

  @Override
  public NDArray sample(NDManager manager, NDArray condition, long batch, FlowPass pass) {
    NDArray[] p = parameters(condition, batch);
    NDArray eps = pass.noise().normal(manager, latentShape().batched(batch));
    return p[0].add(FlowMath.scale(eps.mul(p[1].exp()), pass.temperature()));
  }
}
