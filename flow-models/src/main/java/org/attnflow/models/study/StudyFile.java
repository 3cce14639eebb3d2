package org.attnflow.models.study;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.config.Settings;
import org.attnflow.models.config.Hocon;

/**
 * A study file (docs/studies.md): the configurations to compare, by name, the seeds, the baseline,
 * the overrides of every run and, optionally, how to score samples with a Fréchet distance. Its
 * keys and defaults are documented in {@code study-defaults.conf}; any other key, and any value
 * that does not fit, is an error naming the file and line.
 *
 * @param file the study file
 * @param configs configuration name (file stem) → configuration file, in the order written
 * @param seeds the seeds, in the order written
 * @param baseline the name of the configuration the others are compared with
 * @param overrides {@code key = value} overrides applied to every run
 * @param fid how to score the runs' samples, when the file asks for it
 */
public record StudyFile(Path file, Map<String, Path> configs, List<Long> seeds, String baseline,
    List<String> overrides, Optional<FidSettings> fid) {
  private static final List<String> SEED_KEYS = List.of("model.seed", "train.seed");

  /** Reads and checks {@code file}; relative paths in it start at its directory. */
  public static StudyFile load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new FlowException("study file " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
    }
    Config defaults = Hocon.parse(() -> ConfigFactory.parseURL(defaults()));
    Settings user = Settings.root(Hocon.parse(() -> ConfigFactory.parseFile(file.toFile(),
        ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF)).resolve()));
    user.requireKnownKeys(defaults.root().keySet(), "a study file");
    Settings study = user.withDefaults(givenDefaults(defaults.withoutPath("fid")));
    Path dir = file.toAbsolutePath().getParent();
    Map<String, Path> configs = configs(study, dir);
    Optional<FidSettings> fid = Optional.empty();
    if (study.has("fid")) {
      Settings block = study.block("fid");
      block.requireKnownKeys(defaults.getObject("fid").keySet(), "the fid block of a study");
      fid = Optional.of(FidSettings.of(block.withDefaults(givenDefaults(defaults.getConfig("fid"))), dir));
    }
    return new StudyFile(file, configs, seeds(study), study.choice("baseline", configs.keySet().toArray(String[]::new)),
        overrides(study), fid);
  }

  /** The study's name: the file name without {@code .conf}. */
  public String name() {
    return stem(file);
  }

  /** The run directory of configuration {@code name} and {@code seed} under the study directory {@code root}. */
  public static Path runDirectory(Path root, String name, long seed) {
    return root.resolve(name).resolve("seed-" + seed);
  }

  /** The overrides of the run of {@code seed}: the study's, then the seed's model.seed and train.seed. */
  public List<String> overrides(long seed) {
    List<String> all = new ArrayList<>(overrides);
    for (String key : SEED_KEYS) {
      all.add(key + " = " + seed);
    }
    return all;
  }

  private static Map<String, Path> configs(Settings study, Path dir) {
    Map<String, Path> configs = new LinkedHashMap<>();
    List<ConfigValue> values = strings(study, "configs");
    for (int i = 0; i < values.size(); i++) {
      Path config = dir.resolve((String) values.get(i).unwrapped()).normalize();
      String where = study.pathOf("configs") + "[" + i + "]";
      if (!Files.isRegularFile(config)) {
        throw new ConfigError(values.get(i).origin(), where, "no configuration file " + config);
      }
      if (configs.put(stem(config), config) != null) {
        throw new ConfigError(values.get(i).origin(), where, "a second configuration named " + stem(config)
            + ": runs are named by file stem, so the names must differ");
      }
    }
    if (configs.isEmpty()) {
      throw study.error("configs", "expected at least one configuration file");
    }
    return configs;
  }

  private static List<Long> seeds(Settings study) {
    List<Long> seeds = new ArrayList<>();
    for (int seed : study.integers("seeds")) {
      if (seeds.contains((long) seed)) {
        throw study.error("seeds", "seed " + seed + " is listed twice");
      }
      seeds.add((long) seed);
    }
    if (seeds.isEmpty()) {
      throw study.error("seeds", "expected at least one seed");
    }
    return seeds;
  }

  private static List<String> overrides(Settings study) {
    List<String> overrides = new ArrayList<>();
    List<ConfigValue> values = strings(study, "set");
    for (int i = 0; i < values.size(); i++) {
      String text = (String) values.get(i).unwrapped();
      String where = study.pathOf("set") + "[" + i + "]";
      Config one;
      try {
        one = ConfigFactory.parseString(text);
      } catch (ConfigException e) {
        throw new ConfigError(values.get(i).origin(), where, "expected \"key = value\" in HOCON syntax, found \"" + text + "\"");
      }
      if (one.isEmpty()) {
        throw new ConfigError(values.get(i).origin(), where, "expected \"key = value\" in HOCON syntax, found \"" + text + "\"");
      }
      for (String key : SEED_KEYS) {
        if (one.hasPath(key)) {
          throw new ConfigError(values.get(i).origin(), where, key + " comes from the study's seeds and cannot be set");
        }
      }
      overrides.add(text);
    }
    return overrides;
  }

  /** The elements of a required list of strings, each with its origin. */
  static List<ConfigValue> strings(Settings block, String key) {
    ConfigValue list = block.config().root().get(key);
    if (list == null || list.valueType() != ConfigValueType.LIST) {
      throw block.error(key, list == null || list.valueType() == ConfigValueType.NULL
          ? "missing required key" : "expected a list [ … ] of strings, found " + list.valueType().name().toLowerCase());
    }
    List<ConfigValue> out = new ArrayList<>((ConfigList) list);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).valueType() != ConfigValueType.STRING) {
        throw new ConfigError(out.get(i).origin(), block.pathOf(key) + "[" + i + "]",
            "expected a string, found " + out.get(i).render());
      }
    }
    return out;
  }

  /** The defaults without the required keys (null there), so that a missing one is reported in the study file. */
  private static Config givenDefaults(Config defaults) {
    Config given = defaults;
    for (Map.Entry<String, ConfigValue> e : defaults.root().entrySet()) {
      if (e.getValue().valueType() == ConfigValueType.NULL) {
        given = given.withoutPath(e.getKey());
      }
    }
    return given;
  }

  private static String stem(Path file) {
    return file.getFileName().toString().replaceFirst("\\.conf$", "");
  }

  private static URL defaults() {
    URL url = StudyFile.class.getResource("study-defaults.conf");
    if (url == null) {
      throw new FlowException("the study defaults (study-defaults.conf) are missing from the flow-models jar");
    }
    return url;
  }
}
