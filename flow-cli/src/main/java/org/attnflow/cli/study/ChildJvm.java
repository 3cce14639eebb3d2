package org.attnflow.cli.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.attnflow.api.FlowException;
import org.attnflow.cli.common.Application;

/**
 * Starts {@code attnflow} commands in child JVMs made like this one: the same Java, module path
 * and class path, the JVM options of the {@code ./attnflow} launcher (or {@code ATTNFLOW_JAVA_OPTS},
 * as there), an offline engine without telemetry, and {@code OMP_NUM_THREADS} set to the threads
 * the child may use. A child has a gradient collector and a thread pool of its own.
 */
public final class ChildJvm {
  /** The launcher's default JVM options (see the ./attnflow script for why). */
  private static final String LAUNCHER_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private ChildJvm() {}

  /** The command line that runs {@code attnflow args…} in a new JVM. */
  public static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String options = System.getenv().getOrDefault("ATTNFLOW_JAVA_OPTS", LAUNCHER_OPTIONS).trim();
    if (!options.isEmpty()) {
      command.addAll(Arrays.asList(options.split("\\s+")));
    }
    command.addAll(List.of("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"));
    String modulePath = System.getProperty("jdk.module.path");
    String classPath = System.getProperty("java.class.path", "");
    if (modulePath != null && !modulePath.isEmpty()) {
      command.addAll(List.of("--module-path", modulePath));
      if (!classPath.isEmpty()) {
        command.addAll(List.of("--class-path", classPath));
      }
      command.addAll(List.of("--add-modules", "ALL-MODULE-PATH", "-m", Application.MODULE + "/" + Application.MAIN_CLASS));
    } else {
      command.addAll(List.of("-cp", classPath, Application.MAIN_CLASS));
    }
    command.addAll(args);
    return command;
  }

  /**
   * Starts {@code attnflow args…} with {@code threads} engine threads; its standard output and
   * error go where {@code builder} directs them.
   */
  public static Process start(List<String> args, int threads, ProcessBuilder builder) {
    builder.command(command(args));
    Map<String, String> env = builder.environment();
    env.put("DJL_OFFLINE", "true");
    env.put("OPT_OUT_TRACKING", "true");
    env.put("DJL_DISABLE_PROGRESS_BAR", "true");
    env.put("OMP_NUM_THREADS", Integer.toString(threads));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new FlowException("cannot start a child JVM (" + command(args).get(0) + "): " + e.getMessage(), e);
    }
  }

  /**
   * The engine threads this machine gives the children of one command, to split between them:
   * {@code OMP_NUM_THREADS} when it is set (as it limits this process's own engine), else every
   * core.
   */
  public static int machineThreads() {
    try {
      return Math.max(1, Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", "")));
    } catch (NumberFormatException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** How {@code args} read in a log: {@code attnflow train -c …}. */
  public static String describe(List<String> args) {
    return "attnflow " + String.join(" ", args.stream().map(a -> a.contains(" ") ? "'" + a + "'" : a).toList());
  }
}
