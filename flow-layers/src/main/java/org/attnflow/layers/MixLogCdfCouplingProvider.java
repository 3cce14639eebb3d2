package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code mixlogcdf}: Flow++'s logistic-mixture CDF coupling, zero-initialised (the identity). */
public final class MixLogCdfCouplingProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public MixLogCdfCouplingProvider() {
    super("mixlogcdf",
        "Flow++ coupling y2 = (logit(F(x2)) + b)·exp(a), F a logistic-mixture CDF; inverse by bisection to 1e-8; zero-initialised (the identity).",
        "# width of the coupling network's hidden convolutions\nhidden = 512\n"
            + "# logistic components in each entry's mixture\ncomponents = 32");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    return new MixLogCdfCoupling(context.requireInputShape(), context.settings().integerAtLeast("hidden", 1),
        context.settings().integerAtLeast("components", 1), context.random());
  }
}
