package org.attnflow.layers;

import org.attnflow.api.Prior;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PriorProvider;

/** Provides {@code conditional-gaussian}: Glow split prior: mean and log-std from a zero-initialised 3x3 conv of the kept half. */
public final class ConditionalGaussianPriorProvider extends BasicPlugin<Prior> implements PriorProvider {

  /** Declares the provider. */
  public ConditionalGaussianPriorProvider() {
    super("conditional-gaussian", "Glow split prior: mean and log-std from a zero-initialised 3x3 conv of the kept half.", "");
  }

  @Override
  public Prior create(BuildContext context) {
    if (context.keptShape() == null) {
      throw context.settings().error("type", "conditional-gaussian needs a condition: use it as the prior of a split");
    }
    return ClassConditionalPrior.of(context, new ConditionalGaussianPrior(context.requireInputShape(), context.keptShape()));
  }
}
