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
import org.attnflow.models.Evaluation;
import org.attnflow.models.Evaluator;
import org.attnflow.models.config.TrainSettings;
import org.attnflow.models.run.RunDirectory;

/**
 * Prints the test bits/dim of a trained run with a 95% confidence interval; for a class-conditional
 * model, each test image is evaluated given its own label, and a table gives each class's count of
 * images and mean bits/dim.
 */
public final class EvaluateCommand extends Command {

  public EvaluateCommand() {
    super("evaluate",
        "RUN_DIR [--checkpoint best|latest|FILE] [--limit N] [--batch N] [--seed S]",
        "test bits/dim of a trained run, with a 95% confidence interval (and per class, for a class-conditional model)");
  }

  @Override
  public Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("limit").hasArg().argName("N").desc("evaluate on a uniform sample of N test images, the same for every run (seed 0; default all)").build())
        .addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("images per batch (default train.eval-batch-size)").build())
        .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("seed of the dequantisation draw (default train.seed)").build());
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
    try (NDManager manager = session.manager()) {
      Session.Loaded loaded = session.load(checkpoint, manager);
      Evaluation e = Evaluator.evaluate(loaded.model(), session.get(DataPipeline.class), manager, batch, limit, seed);
      out.println(checkpoint + ": test " + e + "; weights: " + loaded.weights());
      if (!e.perClass().isEmpty()) {
        printPerClass(e.perClass(), out);
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
