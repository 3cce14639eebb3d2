package org.attnflow.testkit;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.Random;
import java.util.function.Supplier;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PluginKind;

/** Builds layers through the registry from a HOCON block, as a model would, for tests. */
public final class Layers {
  private Layers() {}

  /**
   * A factory of identical fresh layers described by {@code hocon} (for example
   * {@code "type = actnorm"}) for inputs of {@code shape}, at step {@code stepIndex}, with
   * initial parameters drawn from {@code seed}, in an unconditional model.
   */
  public static Supplier<FlowLayer> factory(Registry registry, String hocon, ImageShape shape, int stepIndex, long seed) {
    return factory(registry, hocon, shape, stepIndex, seed, 0);
  }

  /**
   * The same in a model of {@code classes} classes (0 = unconditional), as {@code model.classes}
   * builds its layers: check a class-conditional layer with {@link LayerContract#classes}.
   */
  public static Supplier<FlowLayer> factory(Registry registry, String hocon, ImageShape shape, int stepIndex, long seed,
      int classes) {
    return () -> {
      Settings settings = new Settings(
          ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("test layer")).root(),
          "layer");
      return registry.create(PluginKind.LAYER, new BuildContext(settings, settings.path(), shape, null, stepIndex, new Random(seed), registry, classes));
    };
  }
}
