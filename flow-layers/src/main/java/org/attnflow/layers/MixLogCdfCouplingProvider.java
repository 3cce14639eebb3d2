package org.attnflow.layers;

import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.spi.BuildContext;

/** Provides {@code mixlogcdf}: Flow++'s logistic-mixture CDF coupling, zero-initialised (the identity). */
public final class MixLogCdfCouplingProvider extends CouplingProvider {

  /** Declares the provider. */
  public MixLogCdfCouplingProvider() {
    super("mixlogcdf",
        "Flow++ coupling y2 = (logit(F(x2)) + b)·exp(a), F a logistic-mixture CDF; inverse by bisection to 1e-8; zero-initialised (the identity).",
        "# logistic components in each entry's mixture\ncomponents = 32\n");
  }

  @Override
  FlowLayer create(ImageShape shape, ConditioningNetwork.Factory network, int hidden, ClassEmbedding classEmbedding, BuildContext context) {
    return new MixLogCdfCoupling(shape, network, hidden, context.settings().integerAtLeast("components", 1), classEmbedding, context.random());
  }
}
