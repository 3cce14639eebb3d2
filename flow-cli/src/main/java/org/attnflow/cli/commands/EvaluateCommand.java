package org.attnflow.cli.commands;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.RunOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.common.UsageException;
import org.attnflow.models.Conditioning;
import org.attnflow.models.Evaluation;
import org.attnflow.models.Evaluator;
import org.attnflow.models.config.TrainSettings;
import org.attnflow.models.run.RunDirectory;

/**
 * Prints the test bits/dim of a trained run with a 95% confidence interval; for a class-conditional
 * model, each test image is evaluated given its own label, and a table gives each class's count of
 * images and mean bits/dim. With {@code --marginal}, a class-conditional model is also evaluated by
 * its marginal likelihood over the classes ({@link Evaluator#marginal}), which compares with an
 * unconditional model's bits/dim.
 */
public final class EvaluateCommand extends Command {

  public EvaluateCommand() {
    super("evaluate",
        "RUN_DIR [--checkpoint best|latest|FILE] [--limit N] [--batch N] [--seed S] [--marginal]",
        "test bits/dim of a trained run, with a 95% confidence interval (and per class, for a class-conditional model)");
  }

  @Override
  public Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("limit").hasArg().argName("N").desc("evaluate on a uniform sample of N test images, the same for every run (seed 0; default all)").build())
        .addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("images per batch (default train.eval-batch-size)").build())
        .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("seed of the dequantisation draw (default train.seed)").build())
        .addOption(Option.builder().longOpt("marginal")
            .desc("class-conditional model: also −log₂ p(x) with p(x) = Σ_y p(x | y)/K, comparable with an unconditional model (K passes per image)")
            .build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    int limit = CommonOptions.integerAtLeast(line, "limit", 0, 0);
    RunDirectory dir = RunOptions.run(line);
    Path checkpoint = RunOptions.checkpoint(line, dir);
    Session session = Session.ofRun(dir, List.of(), CommonOptions.pluginDir(line));
    TrainSettings train = session.run().train();
    int batch = CommonOptions.integerAtLeast(line, "batch", train.evalBatchSize(), 1);
    long seed = CommonOptions.longInteger(line, "seed", train.seed());
    if (line.hasOption("marginal") && Conditioning.classes(session.run().model()) == 0) {
      throw new UsageException("--marginal: the run's model is unconditional (model.classes = 0), so its bits/dim already is −log₂ p(x);"
          + " leave --marginal out");
    }
    try (NDManager manager = session.manager()) {
      Session.Loaded loaded = session.load(checkpoint, manager);
      DataPipeline data = session.get(DataPipeline.class);
      Evaluation e = Evaluator.evaluate(loaded.model(), data, manager, batch, limit, seed);
      out.println(checkpoint + ": test " + e + "; weights: " + loaded.weights());
      if (!e.perClass().isEmpty()) {
        printPerClass(e.perClass(), out);
      }
      if (line.hasOption("marginal")) {
        Evaluation m = Evaluator.marginal(loaded.model(), data, manager, batch, limit, seed);
        out.println("marginal over the " + loaded.model().classes() + " classes, −log₂ p(x) with p(x) = Σ_y p(x | y)/K: test " + m);
      }
      return 0;
    }
  }

  /** The class-conditional bits/dim of each class, one row a class. */
  private static void printPerClass(List<Evaluation.ClassBpd> classes, PrintStream out) {
    int width = Math.max("class".length(), classes.stream().mapToInt(c -> c.name().length()).max().orElse(0));
    out.printf(Locale.ROOT, "  %-" + width + "s  %8s  %8s%n", "class", "images", "bits/dim");
    for (Evaluation.ClassBpd c : classes) {
      out.printf(Locale.ROOT, "  %-" + width + "s  %,8d  %8.4f%n", c.name(), c.images(), c.bpd());
    }
  }
}
