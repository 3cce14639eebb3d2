package org.attnflow.models.run;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/** The first place where two configuration trees differ, in key order, as a readable sentence. */
final class ConfigDifference {
  private ConfigDifference() {}

  /**
   * Where {@code a} (called {@code aName}) and {@code b} ({@code bName}) first differ below
   * {@code path}, with both values; empty when they hold the same values (origins and comments
   * aside).
   */
  static Optional<String> first(String path, ConfigValue a, String aName, ConfigValue b, String bName) {
    if (a instanceof ConfigObject x && b instanceof ConfigObject y) {
      for (String key : new TreeSet<>(union(x, y))) {
        Optional<String> d = first(path + "." + key, x.get(key), aName, y.get(key), bName);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a instanceof ConfigList x && b instanceof ConfigList y && x.size() == y.size()) {
      for (int i = 0; i < x.size(); i++) {
        Optional<String> d = first(path + "[" + i + "]", x.get(i), aName, y.get(i), bName);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a != null && b != null && Objects.equals(a.unwrapped(), b.unwrapped())) {
      return Optional.empty();
    }
    return Optional.of(path + " is " + render(a) + " in " + aName + " but " + render(b) + " in " + bName);
  }

  private static TreeSet<String> union(ConfigObject x, ConfigObject y) {
    TreeSet<String> keys = new TreeSet<>(x.keySet());
    keys.addAll(y.keySet());
    return keys;
  }

  private static String render(ConfigValue v) {
    return v == null ? "absent" : v.render(ConfigRenderOptions.concise());
  }
}
