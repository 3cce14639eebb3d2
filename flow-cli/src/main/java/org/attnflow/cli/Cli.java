package org.attnflow.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.ParseException;
import org.attnflow.api.FlowException;
import org.attnflow.cli.bench.BenchCommand;
import org.attnflow.cli.commands.AttentionCommand;
import org.attnflow.cli.commands.CheckCommand;
import org.attnflow.cli.commands.DataCommand;
import org.attnflow.cli.commands.EvaluateCommand;
import org.attnflow.cli.commands.FeaturesCommand;
import org.attnflow.cli.commands.FidCommand;
import org.attnflow.cli.commands.InterpolateCommand;
import org.attnflow.cli.commands.LayersCommand;
import org.attnflow.cli.commands.ReconstructCommand;
import org.attnflow.cli.commands.SampleCommand;
import org.attnflow.cli.commands.TrainCommand;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.UsageException;
import org.attnflow.cli.serve.ServeCommand;
import org.attnflow.cli.study.StudyCommand;

/**
 * Dispatches {@code attnflow COMMAND [options]} to its command. Exit status: 0 on success, 1 on
 * a failure of the work (bad configuration, data or checkpoint; numerical failure), 2 on a bad
 * command line. Errors are one line on standard error; {@code ATTNFLOW_DEBUG=1} adds the stack
 * trace.
 */
public final class Cli {
  /** Exit status of a failed run. */
  public static final int FAILED = 1;
  /** Exit status of a bad command line. */
  public static final int USAGE = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, Command> commands = new LinkedHashMap<>();

  /** Creates the command line writing to {@code out} and {@code err}. */
  public Cli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
    for (Command c : List.of(new TrainCommand(), new EvaluateCommand(), new SampleCommand(),
        new ReconstructCommand(), new InterpolateCommand(), new FidCommand(err), new FeaturesCommand(), new AttentionCommand(), new BenchCommand(),
        new CheckCommand(), new DataCommand(), new LayersCommand(), new StudyCommand(), new ServeCommand())) {
      commands.put(c.name(), c);
    }
  }

  /** Runs {@code args} and returns the exit status. */
  public int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      printHelp();
      return args.length == 0 ? USAGE : 0;
    }
    Command command = commands.get(args[0]);
    if (command == null) {
      err.println("attnflow: unknown command \"" + args[0] + "\"; commands: " + String.join(", ", commands.keySet()));
      return USAGE;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
      printUsage(command);
      return 0;
    }
    try {
      return command.run(new DefaultParser().parse(command.options(), rest), out);
    } catch (ParseException e) {
      return usage(command, e.getMessage());
    } catch (Exception e) {
      Optional<FlowException> cause = flowCause(e);
      if (cause.isPresent() && cause.get() instanceof UsageException) {
        return usage(command, cause.get().getMessage());
      }
      return fail(command, cause.map(FlowException::getMessage).orElse(e.getClass().getSimpleName() + ": " + e.getMessage()), e);
    }
  }

  /** The framework's own error behind {@code e}, looking through wrappers such as Guice's. */
  private static Optional<FlowException> flowCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FlowException flow) {
        return Optional.of(flow);
      }
    }
    return Optional.empty();
  }

  private int usage(Command command, String message) {
    err.println("attnflow " + command.name() + ": " + message
        + " (usage: attnflow " + command.name() + " " + command.synopsis() + "; --help for more)");
    return USAGE;
  }

  private int fail(Command command, String message, Exception e) {
    err.println("attnflow " + command.name() + ": error: " + message.replace('\n', ' '));
    if (System.getenv("ATTNFLOW_DEBUG") != null) {
      e.printStackTrace(err);
    }
    return FAILED;
  }

  private void printHelp() {
    out.println("attnflow: normalizing flows with invertible attention (Glow, iMap, iTrans) on DJL.");
    out.println();
    out.println("usage: attnflow COMMAND [options]     (attnflow COMMAND --help for its options)");
    out.println();
    for (Command c : commands.values()) {
      out.printf("  %-12s %s%n", c.name(), c.description());
    }
    out.println();
    out.println("Configuration is HOCON; `attnflow layers` lists every plugin with its keys.");
  }

  private void printUsage(Command command) {
    PrintWriter w = new PrintWriter(out, true);
    new HelpFormatter().printHelp(w, 100, "attnflow " + command.name() + " " + command.synopsis(),
        command.description(), command.options(), 2, 4, "");
  }
}
