package org.attnflow.cli.commands;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
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

/** Prints the test bits/dim of a trained run with a 95% confidence interval. */
public final class EvaluateCommand extends Command {

  public EvaluateCommand() {
    super("evaluate",
        "RUN_DIR [--checkpoint best|latest|FILE] [--limit N] [--batch N] [--seed S]",
        "test bits/dim of a trained run, with a 95% confidence interval");
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
      return 0;
    }
  }
}
