package org.attnflow.models.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.function.Supplier;
import org.attnflow.api.FlowException;

/** Parsing HOCON with Typesafe Config's exceptions turned into the framework's one-line errors. */
public final class Hocon {
  private Hocon() {}

  /** The configuration {@code parse} reads; its {@link ConfigException} becomes a {@link FlowException}. */
  public static Config parse(Supplier<Config> parse) {
    try {
      return parse.get();
    } catch (ConfigException e) {
      throw new FlowException("configuration error: " + e.getMessage(), e);
    }
  }
}
