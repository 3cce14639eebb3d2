package org.attnflow.marflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.attnflow.api.spi.PriorProvider;
import org.junit.jupiter.api.Test;

/** The module's wiring: the test environment of its pom and the service declaration. */
class MarFlowModuleTest {

  @Test
  void surefireKeepsTheParentsOfflineVariablesAndAddsOneThread() {
    assertEquals("1", System.getenv("OMP_NUM_THREADS"));
    assertEquals("true", System.getenv("DJL_OFFLINE"));
    assertEquals("true", System.getenv("OPT_OUT_TRACKING"));
    assertEquals("true", System.getProperty("ai.djl.offline"));
  }

  @Test
  void theProviderIsAServiceOnTheModulePathAndInMetaInfServices() throws IOException {
    assertTrue(MarFlowModuleTest.class.getModule().isNamed(), "tests run patched into the named module");
    assertTrue(MarFlowModuleTest.class.getModule().getDescriptor().provides().stream()
        .anyMatch(p -> p.service().equals(PriorProvider.class.getName()) && p.providers().contains(MarFlowPriorProvider.class.getName())));
    boolean listed = false;
    for (URL url : Collections.list(MarFlowModuleTest.class.getClassLoader().getResources("META-INF/services/" + PriorProvider.class.getName()))) {
      try (InputStream in = url.openStream()) {
        listed |= new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().anyMatch(MarFlowPriorProvider.class.getName()::equals);
      }
    }
    assertTrue(listed, "META-INF/services does not list the provider (needed on the class path)");
  }
}
