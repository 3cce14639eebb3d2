package org.attnflow.cli.common;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Options shared by several commands and the reading of their values. */
public final class CommonOptions {
  private CommonOptions() {}

  /** --help. */
  public static Options base() {
    return new Options().addOption(Option.builder("h").longOpt("help").desc("show this command's options").build());
  }

  /** --set key=value (repeatable) and --plugins DIR. */
  public static Options withConfig(Options options) {
    return options
        .addOption(Option.builder().longOpt("set").hasArg().argName("key=value")
            .desc("override a configuration key (HOCON syntax; repeatable)").build())
        .addOption(plugins());
  }

  /** --plugins DIR. */
  public static Option plugins() {
    return Option.builder().longOpt("plugins").hasArg().argName("DIR")
        .desc("load plugin jars from this directory").build();
  }

  /** The --set values, in order; each must be key=value. */
  public static List<String> overrides(CommandLine line) {
    String[] v = line.getOptionValues("set");
    if (v == null) {
      return List.of();
    }
    for (String o : v) {
      if (!o.contains("=")) {
        throw new UsageException("--set " + o + ": expected key=value");
      }
    }
    return List.of(v);
  }

  /** The --plugins directory, when given. */
  public static Optional<Path> pluginDir(CommandLine line) {
    return Optional.ofNullable(line.getOptionValue("plugins")).map(Path::of);
  }

  /** The single positional argument {@code what}. */
  public static String positional(CommandLine line, String what) {
    List<String> args = line.getArgList();
    if (args.size() != 1) {
      throw new UsageException("expected one " + what + ", found " + (args.isEmpty() ? "none" : String.join(" ", args)));
    }
    return args.get(0);
  }

  /** An integer option no smaller than {@code min}, with a default. */
  public static int integerAtLeast(CommandLine line, String name, int fallback, int min) {
    int n = value(line, name, fallback, Integer::parseInt, "an integer");
    if (n < min) {
      throw new UsageException("--" + name + " must be at least " + min + ", found " + n);
    }
    return n;
  }

  /** A finite number option no smaller than 0 (such as a temperature), with a default. */
  public static double nonNegative(CommandLine line, String name, double fallback) {
    double d = value(line, name, fallback, Double::parseDouble, "a number");
    if (!Double.isFinite(d) || d < 0) {
      throw new UsageException("--" + name + " must be a finite number ≥ 0, found " + line.getOptionValue(name));
    }
    return d;
  }

  /** A long integer option (such as a seed), with a default. */
  public static long longInteger(CommandLine line, String name, long fallback) {
    return value(line, name, fallback, Long::parseLong, "an integer");
  }

  /** The option's value read by {@code parse}, or {@code fallback} when it is absent. */
  private static <T> T value(CommandLine line, String name, T fallback, Function<String, T> parse, String expected) {
    if (!line.hasOption(name)) {
      return fallback;
    }
    String v = line.getOptionValue(name);
    try {
      return parse.apply(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects " + expected + ", found \"" + v + "\"");
    }
  }
}
