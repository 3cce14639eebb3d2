package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.math.FlowMath;

/** The standard normal N(0, I); sampling at temperature T draws from N(0, T²·I). */
public final class StandardNormalPrior extends Prior {

  /** Creates the prior over latents of {@code shape}. */
  public StandardNormalPrior(ImageShape shape) {
    super(shape, null);
  }

  @Override
  public NDArray logProb(NDArray z, NDArray kept, FlowPass pass) {
    return FlowMath.standardNormalLogDensity(z);
  }

  @Override
  public NDArray sample(NDManager manager, NDArray kept, long batch, FlowPass pass) {
    return FlowMath.scale(pass.noise().normal(manager, latentShape().batched(batch)), pass.temperature());
  }
}
