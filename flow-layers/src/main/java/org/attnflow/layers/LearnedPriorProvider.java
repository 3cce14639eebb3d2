package org.attnflow.layers;

import org.attnflow.api.Prior;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PriorProvider;

/** Provides {@code learned}: a Gaussian with learned per-channel mean and log-std (starts at N(0, I)). */
public final class LearnedPriorProvider extends BasicPlugin<Prior> implements PriorProvider {

  /** Declares the provider. */
  public LearnedPriorProvider() {
    super("learned", "a Gaussian with learned per-channel mean and log-std (starts at N(0, I)).", "");
  }

  @Override
  public Prior create(BuildContext context) {
    return ClassConditionalPrior.of(context, new LearnedPrior(context.requireInputShape()));
  }
}
