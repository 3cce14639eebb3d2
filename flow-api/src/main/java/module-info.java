/**
 * The contracts of AttnFlow: invertible flow layers, priors, masks, datasets, the plugin SPI with
 * its registry, typed errors, the shared maths (bits/dim, log-sigmoid, batched LU) and NumPy's
 * {@code .npz} array files.
 */
module org.attnflow.api {
  requires transitive ai.djl.api;
  requires transitive typesafe.config;

  exports org.attnflow.api;
  exports org.attnflow.api.config;
  exports org.attnflow.api.data;
  exports org.attnflow.api.io;
  exports org.attnflow.api.math;
  exports org.attnflow.api.registry;
  exports org.attnflow.api.spi;

  uses org.attnflow.api.spi.LayerProvider;
  uses org.attnflow.api.spi.MaskProvider;
  uses org.attnflow.api.spi.PriorProvider;
  uses org.attnflow.api.spi.NetworkProvider;
  uses org.attnflow.api.spi.DatasetProvider;
}
