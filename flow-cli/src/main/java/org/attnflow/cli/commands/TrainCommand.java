package org.attnflow.cli.commands;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.common.UsageException;
import org.attnflow.cli.workers.WarningPrinter;
import org.attnflow.cli.workers.WorkerLauncher;
import org.attnflow.cli.workers.WorkerOptions;
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

  public TrainCommand() {
    super("train",
        "-c CONFIG [--set key=value]... [--steps N] [--out RUN_DIR] | --resume RUN_DIR [--steps N];"
            + " [--workers N | --rank R --world N --tracker HOST:PORT]",
        "train by maximum likelihood; evaluate, sample and checkpoint as configured");
  }

  @Override
  public Options options() {
    return WorkerOptions.add(CommonOptions.withConfig(CommonOptions.base())
        .addOption(Option.builder("c").longOpt("config").hasArg().argName("CONFIG").desc("the HOCON configuration").build())
        .addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("total training steps (overrides train.steps)").build())
        .addOption(Option.builder().longOpt("out").hasArg().argName("RUN_DIR").desc("run directory (default runs/<config>-<time>)").build())
        .addOption(Option.builder().longOpt("resume").hasArg().argName("RUN_DIR").desc("continue a stopped run").build()));
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
    int workers = WorkerOptions.workers(line);
    if (workers > 1) {
      session.run();
      List<String> args = WorkerOptions.workerArgs("train", line, Set.of("out"));
      if (!resume) {
        args.addAll(List.of("--out", dir.root().toString()));
      }
      WorkerLauncher.run(args, workers, out);
      return 0;
    }
    // Joining first lets rank 0 start the tracker before the engine loads, so the others wait less.
    GradientAverager averager = WorkerOptions.join(line);
    ResolvedRun run = session.run();
    TrainingListener listener = averager.rank() == 0
        ? new ProgressReporter(out, dir, System.console() != null, run.train().logEvery(),
            Checkpoint.weights(run.train().emaDecay()))
        : new WarningPrinter(out);
    Optional<Evaluation> result = session.get(Trainer.class).train(run, dir, resume, listener, averager);
    averager.close();
    if (averager.rank() != 0) {
      return 0;
    }
    result.ifPresent(e -> out.println("final test " + e));
    out.println("run directory: " + dir.root() + " (metrics.csv, training-curve.png, samples/, checkpoints)");
    return 0;
  }

  private static Path defaultDir(Path config) {
    String name = config.getFileName().toString().replaceFirst("\\.conf$", "");
    return Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }
}
