package org.attnflow.attention;

import org.attnflow.api.MaskStrategy;
import org.attnflow.api.registry.PluginKind;
import org.attnflow.api.spi.BuildContext;

/** Builds an attention layer's mask from its {@code mask} and {@code alternate} keys and its step. */
final class LayerMasks {
  private LayerMasks() {}

  /** The mask strategy M of the layer's {@code mask} block. */
  static MaskStrategy configured(BuildContext context) {
    return context.registry().create(PluginKind.MASK, context.nested("mask"));
  }

  /** M, or 1 − M on odd steps of a level when {@code alternate} is true. */
  static MaskStrategy atStep(BuildContext context, MaskStrategy configured) {
    boolean odd = context.stepIndex() % 2 == 1;
    return odd && context.settings().bool("alternate") ? configured.complement() : configured;
  }
}
