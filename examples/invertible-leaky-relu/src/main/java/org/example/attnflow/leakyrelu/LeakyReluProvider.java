package org.example.attnflow.leakyrelu;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.config.Settings;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/**
 * Provides {@code leaky-relu}: the {@link InvertibleLeakyRelu invertible leaky ReLU}. Found by
 * {@link java.util.ServiceLoader}, so it needs a public no-argument constructor.
 */
public final class LeakyReluProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** The type name written as {@code type = leaky-relu} in a configuration. */
  public static final String TYPE = "leaky-relu";

  /** Declares the type, a one-line description and the keys with their documented defaults. */
  public LeakyReluProvider() {
    super(TYPE, "invertible leaky ReLU: y = x for x >= 0, y = a_c*x for x < 0, learned slope a_c > 0 per channel (and class).", """
        # initial negative slope a of every channel (a > 0; 1 is the identity)
        slope = 0.5
        # bound b on |log a|: log a = b*tanh(theta/b) keeps a in [e^-b, e^b] while it is learned
        max-log-slope = 3
        """);
  }

  @Override
  public FlowLayer create(BuildContext context) {
    Settings s = context.settings();
    double bound = s.number("max-log-slope");
    if (!(bound > 0)) {
      throw s.error("max-log-slope", "expected a number > 0, found " + bound);
    }
    double slope = s.number("slope");
    if (!(slope > 0) || !(Math.abs(Math.log(slope)) < bound)) {
      throw s.error("slope", "expected a number in (e^-" + bound + ", e^" + bound + ") = ("
          + (float) Math.exp(-bound) + ", " + (float) Math.exp(bound) + "), found " + slope);
    }
    // context.classes() is model.classes: a slope per class in a class-conditional model
    return new InvertibleLeakyRelu(context.requireInputShape(), slope, bound, context.classes());
  }
}
