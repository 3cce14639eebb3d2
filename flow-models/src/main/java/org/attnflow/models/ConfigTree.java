package org.attnflow.models;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces one value deep inside a configuration tree, addressed by a settings path. */
final class ConfigTree {
  /** One step of a path: a key, optionally followed by one list index ({@code step[2]}). */
  private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)(?:\\[(\\d+)])?");

  private ConfigTree() {}

  /**
   * {@code root} with the value at {@code path} (relative to root, as {@code split.prior} or
   * {@code step[2].mask}) replaced by {@code value}; every key and index on the way must exist.
   */
  static ConfigObject replace(ConfigObject root, String path, ConfigValue value) {
    return (ConfigObject) replace(root, List.of(path.split("\\.")), value);
  }

  private static ConfigValue replace(ConfigValue node, List<String> steps, ConfigValue value) {
    if (steps.isEmpty()) {
      return value;
    }
    Matcher m = STEP.matcher(steps.get(0));
    if (!m.matches() || !(node instanceof ConfigObject object) || !object.containsKey(m.group(1))) {
      throw new IllegalArgumentException("no configuration value at " + String.join(".", steps));
    }
    ConfigValue child = object.get(m.group(1));
    List<String> rest = steps.subList(1, steps.size());
    if (m.group(2) == null) {
      return object.withValue(m.group(1), replace(child, rest, value));
    }
    int index = Integer.parseInt(m.group(2));
    if (!(child instanceof ConfigList list) || index >= list.size()) {
      throw new IllegalArgumentException("no list element at " + String.join(".", steps));
    }
    List<ConfigValue> elements = new ArrayList<>(list);
    elements.set(index, replace(list.get(index), rest, value));
    return object.withValue(m.group(1), ConfigValueFactory.fromIterable(elements, list.origin().description()));
  }
}
