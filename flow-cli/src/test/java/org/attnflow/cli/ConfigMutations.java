package org.attnflow.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.attnflow.models.config.RunConfig;

/**
 * Seeded mutations of a configuration: each sets one key, written as one line appended to the
 * file, to a value of the wrong type, a number out of range, null (a deleted key), a bad list, an
 * unknown plugin type or a layer list with a bad entry, or adds an unknown key to a block.
 */
final class ConfigMutations {
  /** The blocks that get an unknown key. */
  private static final List<String> BLOCKS = List.of("model", "train", "data", "data.dataset", "model.squeeze",
      "model.split", "model.prior");
  private static final List<String> ANY = List.of("null", "\"text\"", "true", "[1, 2]", "{ x = 1 }");
  private static final List<String> NUMBERS = List.of("0", "-1", "2147483648", "-2147483649", "1e300", "0.5", "1000000000");
  private static final List<String> LISTS = List.of("[]", "[\"a\"]", "[1.5]", "[-1, 8, 8]", "[[1]]", "[1, 8]", "[0, 8, 8]");
  private static final List<String> STRINGS = List.of("42", "\"\"", "nosuchthing");
  private static final List<String> STEP_ENTRIES = List.of("{ type = affine-coupling, hidden = -1 }",
      "{ type = affine-coupling, hidden = 0 }", "{ type = affine-coupling, hidden = \"x\" }",
      "{ type = affine-coupling, hidden = 2000000000 }", "{ type = affine-coupling, hidden = 1e10 }",
      "{ type = nosuchlayer }", "{ type = actnorm, bogus = 1 }", "{ hidden = 8 }", "7", "{ type = imap, mask { type = nomask } }");

  /**
   * One mutation: {@code line} appended to the configuration changes {@code key}.
   *
   * @param key the dotted path of the key (or block) it changes, which an error must name
   * @param line the HOCON line
   */
  record Mutation(String key, String line) {}

  private ConfigMutations() {}

  /** {@code count} mutations of {@code hocon} (with the defaults of every module) drawn from {@code seed}. */
  static List<Mutation> of(String hocon, long seed, int count) {
    Config config = ConfigFactory.parseString(hocon).withFallback(RunConfig.reference()).resolve();
    List<Map.Entry<String, ConfigValue>> leaves = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      if (!e.getKey().equals("plugins") && !e.getKey().equals("model.step")) {
        leaves.add(e);
      }
    }
    leaves.sort(Map.Entry.comparingByKey());
    Random random = new Random(seed);
    List<Mutation> out = new ArrayList<>();
    while (out.size() < count) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        String block = pick(random, BLOCKS);
        out.add(new Mutation(block + ".bogus", block + ".bogus = 1"));
      } else if (kind == 1) {
        String entry = pick(random, STEP_ENTRIES);
        out.add(new Mutation("model.step", "model.step = [ { type = actnorm }, " + entry + " ]"));
      } else {
        Map.Entry<String, ConfigValue> leaf = leaves.get(random.nextInt(leaves.size()));
        out.add(new Mutation(leaf.getKey(), leaf.getKey() + " = " + pick(random, valuesFor(leaf.getKey(), leaf.getValue(), random))));
      }
    }
    return out;
  }

  private static List<String> valuesFor(String key, ConfigValue value, Random random) {
    if (random.nextInt(3) == 0) {
      return ANY;
    }
    if (key.endsWith(".type")) {
      return List.of("nosuchtype", "\"\"", "3");
    }
    ConfigValueType type = value.valueType();
    return type == ConfigValueType.NUMBER ? NUMBERS : type == ConfigValueType.LIST ? LISTS
        : type == ConfigValueType.STRING ? STRINGS : ANY;
  }

  private static String pick(Random random, List<String> values) {
    return values.get(random.nextInt(values.size()));
  }
}
