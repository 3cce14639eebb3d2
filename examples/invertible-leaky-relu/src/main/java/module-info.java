/**
 * An AttnFlow layer plugin: the invertible leaky ReLU. On the module path (the {@code attnflow}
 * launcher with {@code --plugins DIR}), the framework finds the provider through {@code provides};
 * on the class path, through {@code META-INF/services/org.attnflow.api.spi.LayerProvider}.
 */
module org.example.attnflow.leakyrelu {
  requires transitive org.attnflow.api;

  exports org.example.attnflow.leakyrelu;

  provides org.attnflow.api.spi.LayerProvider with
      org.example.attnflow.leakyrelu.LeakyReluProvider;
}
