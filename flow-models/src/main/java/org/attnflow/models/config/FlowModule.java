package org.attnflow.models.config;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.attnflow.api.registry.Registry;

/**
 * Guice bindings of the model side of a run: the plugin registry (with the plugin directory, if
 * any), the run's configuration resolved with it ({@link ResolvedRun}) and the services built on
 * them. The data pipeline is bound
 * by the application, which knows the data module.
 */
public final class FlowModule extends AbstractModule {
  private final RunConfig config;
  private final Optional<Path> pluginDir;

  /** Binds the run of {@code config}; plugins are loaded from {@code pluginDir} when it is given. */
  public FlowModule(RunConfig config, Optional<Path> pluginDir) {
    this.config = config;
    this.pluginDir = pluginDir;
  }

  @Provides
  @Singleton
  Registry registry() {
    return pluginDir.map(Registry::withPlugins).orElseGet(Registry::builtIn);
  }

  @Provides
  @Singleton
  ResolvedRun run(Registry registry) {
    return ResolvedRun.of(config, registry);
  }
}
