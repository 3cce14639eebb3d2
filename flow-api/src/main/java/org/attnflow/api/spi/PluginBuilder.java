package org.attnflow.api.spi;

/**
 * Builds plugins from their configuration blocks. A plugin factory reaches it through
 * {@link BuildContext#build} to build the plugins nested in its own block (a mask, a prior); the
 * registry implements it.
 */
public interface PluginBuilder {

  /** Builds the plugin of kind {@code kind} that {@code context}'s settings describe. */
  <T> T create(PluginKind<T> kind, BuildContext context);
}
