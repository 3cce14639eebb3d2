package org.attnflow.api.spi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

/**
 * A convenient base for providers: the type, the description and the defaults as a HOCON text in
 * which a comment above each key documents it.
 *
 * @param <T> what the provider builds
 */
public abstract class BasicPlugin<T> implements Plugin<T> {
  private final String type;
  private final String description;
  private final Config defaults;

  /** Declares the provider; {@code defaultsHocon} is parsed once, here. */
  protected BasicPlugin(String type, String description, String defaultsHocon) {
    this.type = type;
    this.description = description;
    this.defaults =
        ConfigFactory.parseString(
            defaultsHocon, ConfigParseOptions.defaults().setOriginDescription("defaults of " + type));
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final Config defaults() {
    return defaults;
  }
}
