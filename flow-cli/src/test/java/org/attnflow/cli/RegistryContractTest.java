package org.attnflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.attnflow.api.config.Settings;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.Plugin;
import org.attnflow.api.spi.PluginKind;
import org.junit.jupiter.api.Test;

/**
 * Every plugin of the application declares the plugin blocks nested in its defaults, so that the
 * registry completes a configuration without building anything, and completing a block that names
 * only its type yields every default key, nested blocks included.
 */
class RegistryContractTest {
  private static final Registry REGISTRY = Registry.builtIn();

  @Test
  void nestedPluginBlocksAreDeclaredWithAKindThatKnowsTheirType() {
    int nestedSeen = 0;
    for (PluginKind<?> kind : PluginKind.all()) {
      for (Plugin<?> plugin : REGISTRY.providers(kind).values()) {
        Set<String> blocksWithAType = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : plugin.defaults().root().entrySet()) {
          if (e.getValue() instanceof ConfigObject o && o.containsKey("type")) {
            blocksWithAType.add(e.getKey());
          }
        }
        assertEquals(blocksWithAType, new TreeSet<>(plugin.nested().keySet()), kind.noun() + " " + plugin.type());
        for (Map.Entry<String, PluginKind<?>> nested : plugin.nested().entrySet()) {
          String type = plugin.defaults().getString(nested.getKey() + ".type");
          assertTrue(REGISTRY.providers(nested.getValue()).containsKey(type),
              kind.noun() + " " + plugin.type() + ": " + nested.getKey() + " names unknown " + nested.getValue().noun() + " " + type);
          nestedSeen++;
        }
      }
    }
    assertTrue(nestedSeen >= 3, "split's prior and the masks of imap and itrans, at least");
  }

  @Test
  void completingATypeAloneSpellsOutEveryDefaultNestedOnesToo() {
    for (PluginKind<?> kind : PluginKind.all()) {
      for (Plugin<?> plugin : REGISTRY.providers(kind).values()) {
        Settings alone = new Settings(ConfigFactory.parseString("type = " + plugin.type()).root(), "block");
        Settings complete = REGISTRY.complete(kind, alone);
        Set<String> expected = new TreeSet<>(plugin.defaults().root().keySet());
        expected.add("type");
        assertEquals(expected, new TreeSet<>(complete.keys()), kind.noun() + " " + plugin.type());
        for (Map.Entry<String, PluginKind<?>> nested : plugin.nested().entrySet()) {
          Plugin<?> inner = REGISTRY.providers(nested.getValue()).get(complete.block(nested.getKey()).string("type"));
          assertTrue(complete.block(nested.getKey()).keys().containsAll(inner.defaults().root().keySet()),
              plugin.type() + "." + nested.getKey() + " is not completed: " + complete.block(nested.getKey()).keys());
        }
      }
    }
  }
}
