package org.attnflow.api.spi;

import java.util.Random;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;

/**
 * Everything a plugin factory is given: its checked settings (with defaults filled in), the path
 * of the block being built in the model, the per-sample shape it will see, its index among the
 * steps of a level (for alternating masks), a seeded random source for its initial parameters,
 * the builder of nested plugins (a mask, a prior), and the number of classes of a class-conditional
 * model (0 in an unconditional one). A model gives every layer a source of its
 * own, seeded from the model seed and the layer's place, so other layers do not change its draws.
 *
 * @param settings the plugin's configuration block (its path is where it is written)
 * @param path where the built block sits in the model ({@code model.levels[1].steps[2].imap}),
 *     for messages and parameter names; the settings' path when the two coincide
 * @param inputShape the per-sample input shape (the latent shape for priors), or null when none applies
 * @param keptShape the per-sample shape of the kept half a prior is given, or null
 * @param stepIndex the index of the step within its level, 0 when not in a step
 * @param random the seeded source for initial parameter values
 * @param builder the builder of nested plugins
 * @param classes the number of classes of a class-conditional model, 0 when it is unconditional:
 *     a block that can take the class reads it from the pass's {@link
 *     org.attnflow.api.FlowPass#condition()} when this is positive
 */
public record BuildContext(
    Settings settings,
    String path,
    ImageShape inputShape,
    ImageShape keptShape,
    int stepIndex,
    Random random,
    PluginBuilder builder,
    int classes) {

  /** Checks that the number of classes is not negative. */
  public BuildContext {
    if (classes < 0) {
      throw new IllegalArgumentException("the number of classes must be ≥ 0, found " + classes);
    }
  }

  /**
   * A context for a block of an unconditional model that sits where its settings are written,
   * given no kept half, at step 0.
   */
  public static BuildContext at(Settings settings, ImageShape inputShape, Random random, PluginBuilder builder) {
    return new BuildContext(settings, settings.path(), inputShape, null, 0, random, builder, 0);
  }

  /** True when the model is class-conditional ({@link #classes()} is positive). */
  public boolean conditional() {
    return classes > 0;
  }

  /** A copy for a model of {@code classCount} classes (0 = unconditional). */
  public BuildContext withClasses(int classCount) {
    return new BuildContext(settings, path, inputShape, keptShape, stepIndex, random, builder, classCount);
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
    return new BuildContext(settings.block(key), path + "." + key, inputShape, keptShape, stepIndex, random, builder, classes);
  }

  /** A copy with other shapes (for example a prior built by a layer). */
  public BuildContext withShapes(ImageShape input, ImageShape kept) {
    return new BuildContext(settings, path, input, kept, stepIndex, random, builder, classes);
  }

  /** Builds the plugin of kind {@code kind} that this context describes (a nested mask or prior). */
  public <T> T build(PluginKind<T> kind) {
    return builder.create(kind, this);
  }
}
