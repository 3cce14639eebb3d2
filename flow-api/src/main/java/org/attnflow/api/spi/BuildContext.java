package org.attnflow.api.spi;

import java.util.Random;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;

/**
 * Everything a plugin factory is given: its checked settings (with defaults filled in), the path
 * of the block being built in the model, the per-sample shape it will see, its index among the
 * steps of a level (for alternating masks), a seeded random source for its initial parameters,
 * and the builder of nested plugins (a mask, a prior). A model gives every layer a source of its
 * own, seeded from the model seed and the layer's place, so other layers do not change its draws.
 *
 * @param settings the plugin's configuration block (its path is where it is written)
 * @param path where the built block sits in the model ({@code model.levels[1].steps[2].imap}),
 *     for messages and parameter names; the settings' path when the two coincide
 * @param inputShape the per-sample input shape (the latent shape for priors), or null when none applies
 * @param conditionShape the per-sample shape of a prior's condition, or null
 * @param stepIndex the index of the step within its level, 0 when not in a step
 * @param random the seeded source for initial parameter values
 * @param builder the builder of nested plugins
 */
public record BuildContext(
    Settings settings,
    String path,
    ImageShape inputShape,
    ImageShape conditionShape,
    int stepIndex,
    Random random,
    PluginBuilder builder) {

  /** A context for a block that sits where its settings are written, with no condition and step 0. */
  public static BuildContext at(Settings settings, ImageShape inputShape, Random random, PluginBuilder builder) {
    return new BuildContext(settings, settings.path(), inputShape, null, 0, random, builder);
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
    return new BuildContext(settings.block(key), path + "." + key, inputShape, conditionShape, stepIndex, random, builder);
  }

  /** A copy with other shapes (for example a prior built by a layer). */
  public BuildContext withShapes(ImageShape input, ImageShape condition) {
    return new BuildContext(settings, path, input, condition, stepIndex, random, builder);
  }

  /** Builds the plugin of kind {@code kind} that this context describes (a nested mask or prior). */
  public <T> T build(PluginKind<T> kind) {
    return builder.create(kind, this);
  }
}
