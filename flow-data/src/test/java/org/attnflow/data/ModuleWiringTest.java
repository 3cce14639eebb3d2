package org.attnflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.DatasetProvider;
import org.attnflow.api.spi.Plugin;
import org.attnflow.api.spi.PluginKind;
import org.junit.jupiter.api.Test;

/** The providers are declared for the module path and the class path alike, and documented. */
class ModuleWiringTest {

  @Test
  void testsRunInsideTheNamedModuleAndFindTheFourDatasets() {
    assertEquals("org.attnflow.data", getClass().getModule().getName());
    assertEquals(Set.of("idx", "cifar10", "image-folder", "downsampled-imagenet"), Registry.builtIn().providers(PluginKind.DATASET).keySet());
  }

  @Test
  void servicesFileListsExactlyTheProvidersOfTheModuleDescriptor() throws IOException {
    ModuleDescriptor descriptor = getClass().getModule().getDescriptor();
    List<String> provided = descriptor.provides().stream()
        .filter(p -> p.service().equals(DatasetProvider.class.getName()))
        .findFirst().orElseThrow().providers();
    String services;
    try (InputStream in = getClass().getModule().getResourceAsStream("META-INF/services/" + DatasetProvider.class.getName())) {
      services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertEquals(provided, services.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }

  @Test
  void everyDefaultKeyIsDocumented() {
    for (Plugin<?> plugin : Registry.builtIn().providers(PluginKind.DATASET).values()) {
      plugin.defaults().root().forEach((key, value) ->
          assertTrue(!value.origin().comments().isEmpty(), plugin.type() + "." + key + " has no comment"));
      assertTrue(!plugin.description().isBlank());
    }
  }
}
