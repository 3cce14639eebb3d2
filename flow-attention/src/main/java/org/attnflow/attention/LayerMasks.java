package org.attnflow.attention;

import java.util.Map;
import org.attnflow.api.MaskStrategy;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PluginKind;

/** Builds an attention layer's mask from its {@code mask} and {@code alternate} keys and its step. */
final class LayerMasks {
  private LayerMasks() {}

  /** The mask strategy M of the layer's {@code mask} block. */
  static MaskStrategy configured(BuildContext context) {
    return context.nested("mask").build(PluginKind.MASK);
  }

  /** The nested block an attention layer declares: its {@code mask}. */
  static Map<String, PluginKind<?>> nested() {
    return Map.of("mask", PluginKind.MASK);
  }

  /** M, or 1 − M on odd steps of a level when {@code alternate} is true. */
  static MaskStrategy atStep(BuildContext context, MaskStrategy configured) {
    boolean odd = context.stepIndex() % 2 == 1;
    return odd && context.settings().bool("alternate") ? configured.complement() : configured;
  }
}
