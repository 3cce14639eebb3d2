package org.attnflow.api.spi;

import java.util.Random;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;
import org.attnflow.api.registry.Registry;

/**
 * Everything a plugin factory is given: its checked settings (with defaults filled in and its
 * configuration path), the per-sample shape it will see, its index among the steps of a level
 * (for alternating masks), a seeded random source for its initial parameters, and the registry
 * for building nested plugins (a mask, a prior). A model gives every layer a source of its own,
 * seeded from the model seed and the layer's place, so other layers do not change its draws.
 *
 * @param settings the plugin's configuration block
 * @param inputShape the per-sample input shape (the latent shape for priors), or null when none applies
 * @param conditionShape the per-sample shape of a prior's condition, or null
 * @param stepIndex the index of the step within its level, 0 when not in a step
 * @param random the seeded source for initial parameter values
 * @param registry the registry, for nested plugins
 */
public record BuildContext(
    Settings settings,
    ImageShape inputShape,
    ImageShape conditionShape,
    int stepIndex,
    Random random,
    Registry registry) {

  /** The configuration path of the plugin being built. */
  public String path() {
    return settings.path();
  }

  /** The input shape, failing clearly if the plugin was built where none applies. */
  public ImageShape requireInputShape() {
    if (inputShape == null) {
      throw settings.error("type", "this plugin needs an input shape and was used where there is none");
    }
    return inputShape;
  }

  /** A context for a nested plugin whose block is {@code key} of this one, with the same shapes. */
  public BuildContext nested(String key) {
    return new BuildContext(settings.block(key), inputShape, conditionShape, stepIndex, random, registry);
  }

  /** A copy with other shapes (for example a prior built by a layer). */
  public BuildContext withShapes(ImageShape input, ImageShape condition) {
    return new BuildContext(settings, input, condition, stepIndex, random, registry);
  }
}
