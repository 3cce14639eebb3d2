package org.attnflow.cli.commands;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.Plugin;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.UsageException;

/** Lists every registered plugin (layers, masks, priors, datasets) with its keys and defaults. */
public final class LayersCommand extends Command {

  public LayersCommand() {
    super("layers",
        "[--plugins DIR]",
        "list every layer, mask, prior and dataset plugin with its description and keys");
  }

  @Override
  public Options options() {
    return CommonOptions.base().addOption(CommonOptions.plugins());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    if (!line.getArgList().isEmpty()) {
      throw new UsageException("unexpected argument " + line.getArgList().get(0));
    }
    Registry registry = CommonOptions.pluginDir(line).map(Registry::withPlugins).orElseGet(Registry::builtIn);
    for (PluginKind<?> kind : PluginKind.all()) {
      out.println(kind.noun() + "s:");
      for (Plugin<?> p : registry.providers(kind).values()) {
        out.printf("  %-20s %s%n", p.type(), p.description());
        for (Map.Entry<String, ConfigValue> e : new TreeMap<>(p.defaults().root()).entrySet()) {
          String value = e.getValue().render(ConfigRenderOptions.concise());
          String doc = String.join(" ", e.getValue().origin().comments()).trim();
          out.printf("      %-16s = %-28s %s%n", e.getKey(), value, doc.isEmpty() ? "" : "# " + doc);
        }
      }
      out.println();
    }
    return 0;
  }
}
