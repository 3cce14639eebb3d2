package org.attnflow.layers;

import org.attnflow.api.Prior;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PriorProvider;

/** Provides {@code standard-normal}: the standard normal N(0, I). */
public final class StandardNormalPriorProvider extends BasicPlugin<Prior> implements PriorProvider {

  /** Declares the provider. */
  public StandardNormalPriorProvider() {
    super("standard-normal", "the standard normal N(0, I).", "");
  }

  @Override
  public Prior create(BuildContext context) {
    return ClassConditionalPrior.of(context, new StandardNormalPrior(context.requireInputShape()));
  }
}
