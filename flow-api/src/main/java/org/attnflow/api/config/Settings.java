package org.attnflow.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One block of configuration with its full path (for example {@code model.levels[1].step[2]}),
 * giving typed values and turning every mistake into a {@link ConfigError} that names the key,
 * the file and line, what was expected and what was found.
 */
public final class Settings {
  private final ConfigObject object;
  private final String path;

  /** Wraps a configuration object found at {@code path}. */
  public Settings(ConfigObject object, String path) {
    this.object = object;
    this.path = path;
  }

  /** Wraps a whole configuration (path ""). */
  public static Settings root(Config config) {
    return new Settings(config.root(), "");
  }

  /** The path of this block. */
  public String path() {
    return path;
  }

  /** Where this block was written. */
  public ConfigOrigin origin() {
    return object.origin();
  }

  /** The underlying configuration. */
  public Config config() {
    return object.toConfig();
  }

  /** Where {@code key} was written (the block's origin when the key is absent). */
  public ConfigOrigin originOf(String key) {
    ConfigValue v = object.get(key);
    return v != null ? v.origin() : object.origin();
  }

  /** The keys present in this block. */
  public Set<String> keys() {
    return new TreeSet<>(object.keySet());
  }

  /** True when {@code key} is present (and not null). */
  public boolean has(String key) {
    ConfigValue v = object.get(key);
    return v != null && v.valueType() != ConfigValueType.NULL;
  }

  /** The full path of a key in this block. */
  public String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A required string. */
  public String string(String key) {
    return (String) scalar(key, ConfigValueType.STRING, "a string").unwrapped();
  }

  /** A required integer. */
  public int integer(String key) {
    return toInt(key, scalar(key, ConfigValueType.NUMBER, "an integer"));
  }

  /** A required integer no smaller than {@code min}. */
  public int integerAtLeast(String key, int min) {
    int n = integer(key);
    if (n < min) {
      throw error(key, object.get(key).origin(), "expected an integer ≥ " + min + ", found " + n);
    }
    return n;
  }

  /** A required long. */
  public long longValue(String key) {
    ConfigValue v = scalar(key, ConfigValueType.NUMBER, "an integer");
    Number n = (Number) v.unwrapped();
    if (n.doubleValue() != Math.rint(n.doubleValue())) {
      throw error(key, v.origin(), "expected an integer, found " + v.render());
    }
    return n.longValue();
  }

  /** A required number. */
  public double number(String key) {
    return ((Number) scalar(key, ConfigValueType.NUMBER, "a number").unwrapped()).doubleValue();
  }

  /**
   * A required duration written with HOCON's units ({@code 15 minutes}, {@code 30s}, {@code 500ms}; a
   * bare number is milliseconds), no shorter than zero.
   */
  public Duration duration(String key) {
    ConfigValue v = require(key);
    Duration d;
    try {
      d = object.toConfig().getDuration(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw error(key, v.origin(), "expected a duration such as 15 minutes or 30s, found " + v.render());
    }
    if (d.isNegative()) {
      throw error(key, v.origin(), "expected a duration ≥ 0, found " + v.render());
    }
    return d;
  }

  /** A required boolean. */
  public boolean bool(String key) {
    return (Boolean) scalar(key, ConfigValueType.BOOLEAN, "true or false").unwrapped();
  }

  /** A required string that must be one of {@code allowed}. */
  public String choice(String key, String... allowed) {
    String s = string(key);
    for (String a : allowed) {
      if (a.equals(s)) {
        return s;
      }
    }
    throw error(key, object.get(key).origin(), "expected one of " + String.join(", ", allowed) + ", found \"" + s + "\"");
  }

  /** A required list of integers. */
  public List<Integer> integers(String key) {
    List<Integer> out = new ArrayList<>();
    ConfigList list = list(key);
    for (int i = 0; i < list.size(); i++) {
      ConfigValue v = list.get(i);
      if (v.valueType() != ConfigValueType.NUMBER) {
        throw error(key + "[" + i + "]", v.origin(), "expected an integer, found " + describe(v));
      }
      out.add(toInt(key + "[" + i + "]", v));
    }
    return out;
  }

  /** A required list of numbers. */
  public List<Double> numbers(String key) {
    List<Double> out = new ArrayList<>();
    ConfigList list = list(key);
    for (int i = 0; i < list.size(); i++) {
      ConfigValue v = list.get(i);
      if (v.valueType() != ConfigValueType.NUMBER) {
        throw error(key + "[" + i + "]", v.origin(), "expected a number, found " + describe(v));
      }
      out.add(((Number) v.unwrapped()).doubleValue());
    }
    return out;
  }

  /** A required list of strings. */
  public List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    ConfigList list = list(key);
    for (int i = 0; i < list.size(); i++) {
      ConfigValue v = list.get(i);
      if (v.valueType() != ConfigValueType.STRING) {
        throw error(key + "[" + i + "]", v.origin(), "expected a string, found " + describe(v));
      }
      out.add((String) v.unwrapped());
    }
    return out;
  }

  /** A required nested block. */
  public Settings block(String key) {
    ConfigValue v = require(key);
    if (v.valueType() != ConfigValueType.OBJECT) {
      throw error(key, v.origin(), "expected a block { … }, found " + describe(v));
    }
    return new Settings((ConfigObject) v, pathOf(key));
  }

  /** A required list of blocks, each with its indexed path ({@code key[i]}). */
  public List<Settings> blocks(String key) {
    ConfigList list = list(key);
    List<Settings> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      ConfigValue v = list.get(i);
      String p = pathOf(key) + "[" + i + "]";
      if (v.valueType() != ConfigValueType.OBJECT) {
        throw new ConfigError(v.origin(), p, "expected a block { … }, found " + describe(v));
      }
      out.add(new Settings((ConfigObject) v, p));
    }
    return out;
  }

  /**
   * Checks that every key of this block is one of {@code known} and fails on the first that is
   * not, listing the known keys.
   */
  public void requireKnownKeys(Set<String> known, String what) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw error(
            e.getKey(),
            e.getValue().origin(),
            "unknown key for " + what + "; known keys: " + (known.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(known))));
      }
    }
  }

  /**
   * This block completed with {@code defaults}: each default key absent here is taken from the
   * defaults. Values present here replace the default whole (a nested plugin block given by the
   * user is not merged with the default plugin's keys).
   */
  public Settings withDefaults(Config defaults) {
    ConfigObject merged = object;
    for (Map.Entry<String, ConfigValue> e : defaults.root().entrySet()) {
      if (!object.containsKey(e.getKey())) {
        merged = merged.withValue(e.getKey(), e.getValue());
      }
    }
    return new Settings(merged, path);
  }

  /** This block with the block {@code key} replaced by {@code value}. */
  public Settings with(String key, Settings value) {
    return new Settings(object.withValue(key, value.object), path);
  }

  /** This block with the list of blocks {@code key} replaced by {@code values}. */
  public Settings with(String key, List<Settings> values) {
    List<ConfigObject> objects = new ArrayList<>();
    for (Settings v : values) {
      objects.add(v.object);
    }
    return new Settings(object.withValue(key, ConfigValueFactory.fromIterable(objects, originOf(key).description())), path);
  }

  /** An error about {@code key} of this block, located where the key (or the block) was written. */
  public ConfigError error(String key, String problem) {
    ConfigValue v = object.get(key);
    return error(key, v != null ? v.origin() : object.origin(), problem);
  }

  private ConfigError error(String key, ConfigOrigin origin, String problem) {
    return new ConfigError(origin, pathOf(key), problem);
  }

  /** The whole number {@code v} of {@code key} as an int, failing when it has a fraction or is out of range. */
  private int toInt(String key, ConfigValue v) {
    double d = ((Number) v.unwrapped()).doubleValue();
    if (d != Math.rint(d)) {
      throw error(key, v.origin(), "expected an integer, found " + v.render());
    }
    if (Math.abs(d) > Integer.MAX_VALUE) {
      throw error(key, v.origin(), "expected an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ", found "
          + v.render() + " (too large in magnitude)");
    }
    return (int) d;
  }

  private ConfigValue require(String key) {
    ConfigValue v = object.get(key);
    if (v == null || v.valueType() == ConfigValueType.NULL) {
      throw error(key, object.origin(), "missing required key");
    }
    return v;
  }

  private ConfigValue scalar(String key, ConfigValueType type, String expected) {
    ConfigValue v = require(key);
    if (v.valueType() == type) {
      return v;
    }
    if (v.valueType() == ConfigValueType.STRING && type != ConfigValueType.STRING) {
      // HOCON's --set and environment overrides arrive as strings: accept them when they parse.
      try {
        ConfigValue parsed =
            ConfigFactory.parseString("v = " + v.unwrapped()).root().get("v").withOrigin(v.origin());
        if (parsed.valueType() == type) {
          return parsed;
        }
      } catch (ConfigException ignored) {
        // fall through to the error below
      }
    }
    throw error(key, v.origin(), "expected " + expected + ", found " + describe(v));
  }

  private ConfigList list(String key) {
    ConfigValue v = require(key);
    if (v.valueType() != ConfigValueType.LIST) {
      throw error(key, v.origin(), "expected a list [ … ], found " + describe(v));
    }
    return (ConfigList) v;
  }

  private static String describe(ConfigValue v) {
    return v.valueType().name().toLowerCase() + " " + v.render(ConfigRenderOptions.concise());
  }
}
