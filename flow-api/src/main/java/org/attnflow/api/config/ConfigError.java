package org.attnflow.api.config;

import com.typesafe.config.ConfigOrigin;
import org.attnflow.api.FlowException;

/**
 * A configuration mistake, reported as {@code file:line: key: what was expected, found what}.
 */
public class ConfigError extends FlowException {
  private static final long serialVersionUID = 1L;

  /** Creates an error at a config origin for a key path. */
  public ConfigError(ConfigOrigin origin, String path, String problem) {
    super(where(origin) + ": " + path + ": " + problem);
  }

  /** Formats an origin as {@code file:line}, or its description when it has no file. */
  public static String where(ConfigOrigin origin) {
    if (origin == null) {
      return "(unknown origin)";
    }
    String file = origin.filename() != null ? origin.filename() : origin.resource();
    if (file != null && origin.lineNumber() > 0) {
      return file + ":" + origin.lineNumber();
    }
    // an origin without a file (a --set argument, a parsed string) describes itself as "text: line"
    return origin.description().replaceFirst(": \\d+$", "");
  }
}
