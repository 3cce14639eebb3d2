package org.attnflow.models.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseable;
import java.io.File;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.attnflow.api.FlowException;

/**
 * Makes every {@code include} of a user's configuration required. HOCON skips a missing plain
 * {@code include "x.conf"} silently (only {@code include required(…)} fails, and the parser sets
 * that per statement, overriding the options of the file); this includer asks the default one for
 * each include as if it were required, and reports a missing one with the file that includes it.
 */
final class RequiredIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
  private final Deque<String> including = new ArrayDeque<>();
  private final ConfigIncluder fallback;

  /** An includer for the parse of {@code file}. */
  RequiredIncludes(File file) {
    this(null, file.toString());
  }

  private RequiredIncludes(ConfigIncluder fallback, String file) {
    this.fallback = fallback;
    including.push(file);
  }

  @Override
  public ConfigIncluder withFallback(ConfigIncluder next) {
    return fallback != null ? this : new RequiredIncludes(next, including.getLast());
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    ConfigParseable relative = context.relativeTo(what);
    String name = relative != null ? relative.origin().description() : what;
    return required("\"" + what + "\"", name, () -> fallback.include(required(context), what));
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File file) {
    return required("file(\"" + file + "\")", file.toString(), () -> ((ConfigIncluderFile) fallback).includeFile(required(context), file));
  }

  @Override
  public ConfigObject includeURL(ConfigIncludeContext context, URL url) {
    return required("url(\"" + url + "\")", url.toString(), () -> ((ConfigIncluderURL) fallback).includeURL(required(context), url));
  }

  @Override
  public ConfigObject includeResources(ConfigIncludeContext context, String resource) {
    return required("classpath(\"" + resource + "\")", resource,
        () -> ((ConfigIncluderClasspath) fallback).includeResources(required(context), resource));
  }

  private static ConfigIncludeContext required(ConfigIncludeContext context) {
    return context.setParseOptions(context.parseOptions().setAllowMissing(false));
  }

  /** Runs one include of {@code statement}, with {@code name} on the stack of files being parsed while it runs. */
  private ConfigObject required(String statement, String name, Supplier<ConfigObject> include) {
    String includer = including.peek();
    including.push(name);
    try {
      return include.get();
    } catch (ConfigException.IO e) {
      throw new FlowException(includer + ": include " + statement + " was not found (a missing include is an error)", e);
    } finally {
      including.pop();
    }
  }
}
