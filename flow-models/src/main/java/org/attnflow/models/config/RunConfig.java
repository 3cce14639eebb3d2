package org.attnflow.models.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.api.config.Settings;

/**
 * The resolved configuration of a run: every module's {@code reference.conf} (the documented
 * defaults), overridden by the user's file, overridden by {@code --set key=value} arguments.
 * Keys that no reference declares are rejected with their file and line.
 */
public final class RunConfig {
  /** The blocks whose keys are checked against the reference here (plugin blocks check their own). */
  private static final List<String> CHECKED_BLOCKS = List.of("model", "train", "data", "features");

  private final Config config;

  private RunConfig(Config config) {
    this.config = config;
  }

  /**
   * Loads {@code file} (may be null for the defaults alone) with {@code overrides}, each
   * {@code key=value} in HOCON syntax. Every file it includes must exist. Relative paths in the {@code data} block, in
   * {@code plugins} and in {@code train.fid.features} that name an existing file or folder next to the file that sets them become
   * absolute, so that the saved configuration of a run still finds them from any directory.
   */
  public static RunConfig load(Path file, List<String> overrides) {
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new FlowException("configuration file " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
      }
      // a bare file name gets "./": HOCON resolves includes against the file's parent, and without one on the class path
      File named = file.getParent() == null ? Path.of(".").resolve(file).toFile() : file.toFile();
      user = absolutePaths(Hocon.parse(() -> ConfigFactory.parseFile(named, ConfigParseOptions.defaults()
          .setAllowMissing(false).setSyntax(ConfigSyntax.CONF).setIncluder(new RequiredIncludes(named)))));
    }
    return build(user, overrides);
  }

  private static RunConfig build(Config base, List<String> overrides) {
    Config reference = reference();
    Config user = base;
    for (String override : overrides) {
      Config one = Hocon.parse(() -> ConfigFactory.parseString(override,
          ConfigParseOptions.defaults().setOriginDescription("--set " + override)));
      user = one.withFallback(user);
    }
    checkKnownKeys(user, reference);
    Config merged = user;
    return new RunConfig(Hocon.parse(() -> merged.withFallback(reference).resolve()));
  }

  private static Config absolutePaths(Config user) {
    Config out = user;
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      ConfigValue v = e.getValue();
      String file = v.origin().filename();
      boolean pathKey = e.getKey().startsWith("data.") || e.getKey().equals("plugins") || e.getKey().equals("train.fid.features");
      if (!pathKey || v.valueType() != ConfigValueType.STRING || file == null) {
        continue;
      }
      String text = (String) v.unwrapped();
      Path dir = Path.of(file).toAbsolutePath().getParent();
      if (text.isEmpty() || Path.of(text).isAbsolute() || dir == null || !Files.exists(dir.resolve(text))) {
        continue;
      }
      String absolute = dir.resolve(text).normalize().toString();
      out = out.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(absolute).withOrigin(v.origin()));
    }
    return out;
  }

  /** The merged {@code reference.conf} of every module (without system properties). */
  public static Config reference() {
    return Hocon.parse(() -> ConfigFactory.parseResources(RunConfig.class.getClassLoader(), "reference.conf").resolve());
  }

  /** Wraps an already resolved configuration (for example one saved in a run directory). */
  public static RunConfig of(Config resolved) {
    return new RunConfig(resolved);
  }

  /** This configuration with its top-level block {@code key} replaced by {@code block}. */
  public RunConfig with(String key, Settings block) {
    return new RunConfig(config.withValue(key, block.config().root()));
  }

  /** The whole configuration. */
  public Config config() {
    return config;
  }

  /** The plugin folder the configuration names, which must be a folder; empty when it names none. */
  public Optional<Path> pluginDir() {
    if (!config.hasPath("plugins")) {
      return Optional.empty();
    }
    Settings root = Settings.root(config);
    Path dir = Path.of(root.string("plugins"));
    if (!Files.isDirectory(dir)) {
      throw root.error("plugins", "expected a folder of plugin jars, found " + dir
          + (Files.exists(dir) ? ", which is a file" : ", which does not exist"));
    }
    return Optional.of(dir);
  }

  /** One top-level block as settings with its path. */
  public Settings block(String key) {
    return Settings.root(config).block(key);
  }

  /** The resolved configuration as HOCON text with comments naming where each value came from. */
  public String render() {
    return config.root().render(ConfigRenderOptions.defaults().setJson(false).setOriginComments(true));
  }

  private static void checkKnownKeys(Config user, Config reference) {
    Settings root = Settings.root(user);
    root.requireKnownKeys(reference.root().keySet(), "the run configuration");
    for (String block : CHECKED_BLOCKS) {
      if (user.hasPath(block) && reference.hasPath(block)) {
        root.block(block).requireKnownKeys(reference.getConfig(block).root().keySet(), "the " + block + " block");
      }
    }
  }
}
