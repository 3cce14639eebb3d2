package org.attnflow.cli.commands;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.common.UsageException;
import org.attnflow.models.Evaluation;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.training.GradientAverager;
import org.attnflow.models.training.Trainer;
import org.attnflow.models.training.TrainingListener;

/**
 * Trains a model, or resumes a stopped run from its newest valid checkpoint with the run's own
 * configuration; plugins of a resumed run come from --plugins alone. With {@code --workers N} it
 * trains data-parallel in N worker processes of this machine; with {@code --rank R --world N
 * --tracker HOST:PORT} this process is one worker of a job across machines (docs/distributed.md).
 */
public final class TrainCommand extends Command {

  /** How long a worker waits for the others by default: rank 0's evaluations must fit in it. */
  private static final int DEFAULT_TIMEOUT = 600;

  public TrainCommand() {
    super("train",
        "-c CONFIG [--set key=value]... [--steps N] [--out RUN_DIR] | --resume RUN_DIR [--steps N];"
            + " [--workers N | --rank R --world N --tracker HOST:PORT]",
        "train by maximum likelihood; evaluate, sample and checkpoint as configured");
  }

  @Override
  public Options options() {
    return CommonOptions.withConfig(CommonOptions.base())
        .addOption(Option.builder("c").longOpt("config").hasArg().argName("CONFIG").desc("the HOCON configuration").build())
        .addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("total training steps (overrides train.steps)").build())
        .addOption(Option.builder().longOpt("out").hasArg().argName("RUN_DIR").desc("run directory (default runs/<config>-<time>)").build())
        .addOption(Option.builder().longOpt("resume").hasArg().argName("RUN_DIR").desc("continue a stopped run").build())
        .addOption(Option.builder().longOpt("workers").hasArg().argName("N").desc("train data-parallel in N processes of this machine").build())
        .addOption(Option.builder().longOpt("rank").hasArg().argName("R").desc("this worker's rank in a job across machines (0 hosts the tracker)").build())
        .addOption(Option.builder().longOpt("world").hasArg().argName("N").desc("the number of workers of the job").build())
        .addOption(Option.builder().longOpt("tracker").hasArg().argName("HOST:PORT").desc("the job's tracker, hosted by rank 0").build())
        .addOption(Option.builder().longOpt("worker-timeout").hasArg().argName("SECONDS")
            .desc("how long a worker waits for the others (default " + DEFAULT_TIMEOUT + "; longer than an evaluation)").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    if (!line.getArgList().isEmpty()) {
      throw new UsageException("unexpected argument " + line.getArgList().get(0));
    }
    List<String> overrides = new ArrayList<>(CommonOptions.overrides(line));
    if (line.hasOption("steps")) {
      overrides.add("train.steps = " + CommonOptions.integerAtLeast(line, "steps", 0, 0));
    }
    boolean resume = line.hasOption("resume");
    RunDirectory dir;
    Session session;
    if (resume) {
      if (line.hasOption("config") || line.hasOption("out")) {
        throw new UsageException("--resume continues a run with its own configuration and directory: drop -c/--out");
      }
      dir = new RunDirectory(Path.of(line.getOptionValue("resume"))).requireExisting();
      session = Session.ofRun(dir, overrides, CommonOptions.pluginDir(line));
    } else {
      if (!line.hasOption("config")) {
        throw new UsageException("give a configuration with -c CONFIG, or --resume RUN_DIR");
      }
      Path file = Path.of(line.getOptionValue("config"));
      dir = new RunDirectory(line.hasOption("out") ? Path.of(line.getOptionValue("out")) : defaultDir(file));
      session = Session.ofConfig(RunConfig.load(file, overrides), CommonOptions.pluginDir(line));
    }
    int workers = CommonOptions.integerAtLeast(line, "workers", 1, 1);
    if (workers > 1) {
      if (line.hasOption("rank") || line.hasOption("world") || line.hasOption("tracker")) {
        throw new UsageException("--workers starts the workers of this machine: drop --rank, --world and --tracker");
      }
      session.run();
      WorkerLauncher.run(workerArgs(line, dir), workers, out);
      return 0;
    }
    // Joining first lets rank 0 start the tracker before the engine loads, so the others wait less.
    GradientAverager averager = join(line);
    ResolvedRun run = session.run();
    TrainingListener listener = averager.rank() == 0
        ? new ProgressReporter(out, dir, System.console() != null, run.train().logEvery(),
            Checkpoint.weights(run.train().emaDecay()))
        : new TrainingListener() {
          @Override
          public void warned(String message) {
            out.println("warning: " + message);
          }
        };
    Optional<Evaluation> result = session.get(Trainer.class).train(run, dir, resume, listener, averager);
    averager.close();
    if (averager.rank() != 0) {
      return 0;
    }
    result.ifPresent(e -> out.println("final test " + e));
    out.println("run directory: " + dir.root() + " (metrics.csv, training-curve.png, samples/, checkpoints)");
    return 0;
  }

  /** This process's place in a job across machines ({@code --rank}, {@code --world}, {@code --tracker}), or the only worker. */
  private static GradientAverager join(CommandLine line) {
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

  /** The options of {@code line} for one worker: all but {@code --workers}, with the run directory spelled out. */
  private static List<String> workerArgs(CommandLine line, RunDirectory dir) {
    List<String> args = new ArrayList<>(List.of("train"));
    for (Option o : line.getOptions()) {
      if (!o.getLongOpt().equals("workers") && !o.getLongOpt().equals("out")) {
        args.add("--" + o.getLongOpt());
        if (o.hasArg()) {
          args.add(o.getValue());
        }
      }
    }
    if (!line.hasOption("resume")) {
      args.addAll(List.of("--out", dir.root().toString()));
    }
    return args;
  }

  private static Path defaultDir(Path config) {
    String name = config.getFileName().toString().replaceFirst("\\.conf$", "");
    return Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }
}
