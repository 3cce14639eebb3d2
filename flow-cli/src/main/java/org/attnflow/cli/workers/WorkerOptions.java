package org.attnflow.cli.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.UsageException;
import org.attnflow.models.training.GradientAverager;

/**
 * The options of a command that can run as several worker processes ({@code train} and {@code
 * bench}): {@code --workers N} on this machine, or {@code --rank R --world N --tracker HOST:PORT}
 * for one worker of a job across machines (docs/distributed.md).
 */
public final class WorkerOptions {
  /** How long a worker waits for the others by default: rank 0's evaluations must fit in it. */
  private static final int DEFAULT_TIMEOUT = 600;

  private WorkerOptions() {}

  /** {@code options} with the worker options added. */
  public static Options add(Options options) {
    return options
        .addOption(Option.builder().longOpt("workers").hasArg().argName("N").desc("run data-parallel in N processes of this machine").build())
        .addOption(Option.builder().longOpt("rank").hasArg().argName("R").desc("this worker's rank in a job across machines (0 hosts the tracker)").build())
        .addOption(Option.builder().longOpt("world").hasArg().argName("N").desc("the number of workers of the job").build())
        .addOption(Option.builder().longOpt("tracker").hasArg().argName("HOST:PORT").desc("the job's tracker, hosted by rank 0").build())
        .addOption(Option.builder().longOpt("worker-timeout").hasArg().argName("SECONDS")
            .desc("how long a worker waits for the others (default " + DEFAULT_TIMEOUT + "; longer than an evaluation)").build());
  }

  /**
   * The number of workers to start on this machine ({@code --workers}, 1 when absent); more than
   * one is refused beside the options of a single worker.
   */
  public static int workers(CommandLine line) {
    int workers = CommonOptions.integerAtLeast(line, "workers", 1, 1);
    if (workers > 1 && (line.hasOption("rank") || line.hasOption("world") || line.hasOption("tracker"))) {
      throw new UsageException("--workers starts the workers of this machine: drop --rank, --world and --tracker");
    }
    return workers;
  }

  /** This process's place in a job across machines ({@code --rank}, {@code --world}, {@code --tracker}), or the only worker. */
  public static GradientAverager join(CommandLine line) {
    if (!line.hasOption("rank") && !line.hasOption("world") && !line.hasOption("tracker")) {
      return GradientAverager.SINGLE;
    }
    if (!line.hasOption("rank") || !line.hasOption("world") || !line.hasOption("tracker")) {
      throw new UsageException("a worker of a job across machines needs all of --rank R, --world N and --tracker HOST:PORT");
    }
    int world = CommonOptions.integerAtLeast(line, "world", 1, 1);
    int rank = CommonOptions.integerAtLeast(line, "rank", 0, 0);
    if (rank >= world) {
      throw new UsageException("--rank must be below --world " + world + ", found " + rank);
    }
    String tracker = line.getOptionValue("tracker");
    int colon = tracker.lastIndexOf(':');
    int port;
    try {
      port = colon > 0 ? Integer.parseInt(tracker.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("--tracker must be HOST:PORT with a port from 1 to 65535, found " + tracker);
    }
    int timeout = CommonOptions.integerAtLeast(line, "worker-timeout", DEFAULT_TIMEOUT, 1);
    return WorkerLauncher.collective().join(rank, world, tracker.substring(0, colon), port, timeout);
  }

  /**
   * The command line of one worker: {@code command}, then {@code line}'s arguments and its
   * options but {@code --workers} and those named in {@code dropped}.
   */
  public static List<String> workerArgs(String command, CommandLine line, Set<String> dropped) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(line.getArgList());
    for (Option o : line.getOptions()) {
      if (!o.getLongOpt().equals("workers") && !dropped.contains(o.getLongOpt())) {
        args.add("--" + o.getLongOpt());
        if (o.hasArg()) {
          args.add(o.getValue());
        }
      }
    }
    return args;
  }
}
