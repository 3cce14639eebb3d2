package org.attnflow.api.spi;

import com.typesafe.config.Config;
import java.util.Map;

/**
 * A provider of one kind of building block, found through {@link java.util.ServiceLoader}. It is
 * cheap: a type name (the {@code type} in HOCON), a description, the configuration keys it
 * accepts with their defaults (and which of them are nested plugin blocks), and a factory.
 *
 * @param <T> what it builds
 */
public interface Plugin<T> {

  /** The name written as {@code type = …} in configuration. */
  String type();

  /** One line saying what it builds. */
  String description();

  /**
   * The keys it accepts with their default values, as HOCON; a comment above a key documents it
   * and is shown by {@code attnflow layers}. Keys not listed here are rejected.
   */
  Config defaults();

  /**
   * The keys of its block that hold nested plugin blocks (a mask, a prior), with their kinds; the
   * registry checks and completes those blocks with their own providers' defaults, without
   * building anything. None by default.
   */
  default Map<String, PluginKind<?>> nested() {
    return Map.of();
  }

  /** Builds an instance from configuration whose keys have been checked and completed. */
  T create(BuildContext context);
}
