package org.attnflow.api.registry;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attnflow.api.FlowBlock;
import org.attnflow.api.FlowException;
import org.attnflow.api.config.Settings;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.Plugin;
import org.attnflow.api.spi.PluginBuilder;
import org.attnflow.api.spi.PluginKind;

/**
 * All plugins known to a run: those of the application (found with {@link ServiceLoader}) and
 * those of plugin jars loaded from a directory at run time. Builds any plugin from its
 * configuration block: the {@code type} selects the provider, unknown types and unknown keys fail
 * with the list of what is known, and absent keys take the provider's defaults.
 */
public final class Registry implements PluginBuilder {
  private final Map<PluginKind<?>, Map<String, Plugin<?>>> providers;

  private Registry(ServiceSource source) {
    providers = new LinkedHashMap<>();
    for (PluginKind<?> kind : PluginKind.all()) {
      Map<String, Plugin<?>> byType = new LinkedHashMap<>();
      for (Plugin<?> p : source.load(kind.service())) {
        Plugin<?> previous = byType.putIfAbsent(p.type(), p);
        if (previous != null && previous.getClass() != p.getClass()) {
          throw new FlowException(
              "two " + kind.noun() + " plugins share the type \"" + p.type() + "\": "
                  + previous.getClass().getName() + " and " + p.getClass().getName());
        }
      }
      providers.put(kind, byType);
    }
  }

  /** The plugins of the application itself. */
  public static Registry builtIn() {
    return new Registry(Registry::loadBuiltIn);
  }

  /**
   * The application's plugins plus those in the jars of {@code pluginDir}. Jars are resolved as
   * modules in a child module layer when the framework runs as a named module, and through a
   * class loader (with {@code META-INF/services}) when it runs on the class path.
   */
  public static Registry withPlugins(Path pluginDir) {
    List<Path> jars = jarsIn(pluginDir);
    ClassLoader loader;
    ModuleLayer layer = null;
    Module self = Registry.class.getModule();
    if (self.isNamed()) {
      layer = pluginLayer(pluginDir, jars, self);
      loader = null;
    } else {
      loader = urlLoader(jars);
    }
    ModuleLayer pluginLayer = layer;
    ClassLoader pluginLoader = loader;
    return new Registry(
        service -> {
          List<Plugin<?>> all = new ArrayList<>(loadBuiltIn(service));
          try {
            ServiceLoader<? extends Plugin<?>> sl =
                pluginLayer != null
                    ? ServiceLoader.load(pluginLayer, service)
                    : ServiceLoader.load(service, pluginLoader);
            for (Plugin<?> p : sl) {
              if (all.stream().noneMatch(q -> q.getClass() == p.getClass())) {
                all.add(p);
              }
            }
          } catch (ServiceConfigurationError e) {
            throw new FlowException("cannot load plugins from " + pluginDir + ": " + e.getMessage(), e);
          }
          return all;
        });
  }

  /** The providers of a kind, by type name, in discovery order. */
  @SuppressWarnings("unchecked")
  public <T> Map<String, Plugin<T>> providers(PluginKind<T> kind) {
    Map<String, Plugin<T>> out = new LinkedHashMap<>();
    providers.get(kind).forEach((k, v) -> out.put(k, (Plugin<T>) v));
    return Collections.unmodifiableMap(out);
  }

  /** The provider of a type, failing with the list of known types at the block's {@code type} key. */
  public <T> Plugin<T> provider(PluginKind<T> kind, Settings settings) {
    String type = settings.string("type");
    Plugin<T> p = providers(kind).get(type);
    if (p == null) {
      throw settings.error(
          "type",
          "unknown " + kind.noun() + " type \"" + type + "\"; known " + kind.noun() + " types: "
              + String.join(", ", providers(kind).keySet()) + " (a plugin's types load with --plugins DIR)");
    }
    return p;
  }

  /**
   * The block {@code settings} describes, checked and completed without building anything: the
   * provider of its {@code type} must exist, its keys must be known, absent keys take the
   * provider's defaults, and the nested plugin blocks it declares are completed the same way.
   */
  public <T> Settings complete(PluginKind<T> kind, Settings settings) {
    Plugin<T> p = provider(kind, settings);
    Set<String> known = new HashSet<>(p.defaults().root().keySet());
    known.add("type");
    settings.requireKnownKeys(known, kind.noun() + " \"" + p.type() + "\"");
    Settings complete = settings.withDefaults(p.defaults());
    for (Map.Entry<String, PluginKind<?>> nested : p.nested().entrySet()) {
      complete = complete.with(nested.getKey(), complete(nested.getValue(), complete.block(nested.getKey())));
    }
    return complete;
  }

  /**
   * Builds the plugin described by {@code context.settings()}, {@linkplain #complete completed};
   * a block it builds gets the context's path.
   */
  @Override
  public <T> T create(PluginKind<T> kind, BuildContext context) {
    Settings complete = complete(kind, context.settings());
    T built = provider(kind, complete).create(new BuildContext(complete, context.path(), context.inputShape(),
        context.keptShape(), context.stepIndex(), context.random(), this, context.classes()));
    if (built instanceof FlowBlock block) {
      block.setPath(context.path());
    }
    return built;
  }

  private interface ServiceSource {
    List<Plugin<?>> load(Class<? extends Plugin<?>> service);
  }

  private static List<Plugin<?>> loadBuiltIn(Class<? extends Plugin<?>> service) {
    List<Plugin<?>> out = new ArrayList<>();
    ServiceLoader.load(service, Registry.class.getClassLoader()).forEach(out::add);
    Module self = Registry.class.getModule();
    if (self.isNamed() && self.getLayer() != null) {
      for (Plugin<?> p : ServiceLoader.load(self.getLayer(), service)) {
        if (out.stream().noneMatch(q -> q.getClass() == p.getClass())) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static List<Path> jarsIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new FlowException("plugin directory " + dir + " does not exist or is not a directory");
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new FlowException("cannot list plugin directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static ModuleLayer pluginLayer(Path dir, List<Path> jars, Module self) {
    ModuleLayer parent = self.getLayer();
    try {
      Map<String, Path> byName = new LinkedHashMap<>();
      for (Path jar : jars) {
        String name = ModuleFinder.of(jar).findAll().iterator().next().descriptor().name();
        if (parent.findModule(name).isPresent()) {
          throw new FlowException("plugin jar " + jar + " is module " + name
              + ", which the application already contains: remove it from " + dir);
        }
        Path previous = byName.put(name, jar);
        if (previous != null) {
          throw new FlowException("plugin jars " + previous + " and " + jar + " are both module " + name
              + ": keep one version in " + dir);
        }
      }
      ModuleFinder finder = ModuleFinder.of(jars.toArray(Path[]::new));
      Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), byName.keySet());
      return parent.defineModulesWithOneLoader(cf, Registry.class.getClassLoader());
    } catch (FlowException e) {
      throw e;
    } catch (RuntimeException e) {
      String cause = e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : "";
      throw new FlowException("cannot load the plugin jars of " + dir + " as modules: " + e.getMessage() + cause, e);
    }
  }

  private static ClassLoader urlLoader(List<Path> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new FlowException("bad plugin jar path " + jars.get(i), e);
      }
    }
    return new URLClassLoader(urls, Registry.class.getClassLoader());
  }

}
