package org.attnflow.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.Frozen;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.RunDirectory;
import org.attnflow.models.Sampler;

/** Draws samples from a trained run into a PNG grid, one row block per temperature. */
final class SampleCommand extends Command {

  SampleCommand() {
    super("sample",
        "RUN_DIR [--n 64] [--temperature 0.7 | --temperatures 0.5,0.7,1.0] --out FILE.png [--seed S]",
        "draw samples at one temperature or a sweep, as a PNG grid");
  }

  @Override
  Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("n").hasArg().argName("N").desc("samples per temperature (default 64)").build())
        .addOption(Option.builder().longOpt("temperature").hasArg().argName("T").desc("sampling temperature (default 0.7)").build())
        .addOption(Option.builder().longOpt("temperatures").hasArg().argName("T1,T2,…").desc("a sweep: one block of rows per temperature").build())
        .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("noise seed (default 0)").build())
        .addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE.png").desc("the PNG to write").required().build());
  }

  @Override
  int run(CommandLine line, PrintStream out) {
    int n = CommonOptions.integer(line, "n", 64, 1);
    long seed = CommonOptions.longInteger(line, "seed", 0);
    List<Double> temperatures = temperatures(line);
    RunDirectory dir = RunOptions.run(line);
    Path checkpoint = RunOptions.checkpoint(line, dir);
    Session session = Session.ofRun(dir, List.of(), CommonOptions.pluginDir(line));
    Path file = Path.of(line.getOptionValue("out"));
    try (NDManager manager = session.manager()) {
      FlowModel model = session.load(checkpoint, manager);
      List<Images> sets = new ArrayList<>();
      try (Frozen frozen = model.freeze()) {
        for (double t : temperatures) {
          sets.add(Sampler.sample(model, manager, n, t, seed));
        }
      }
      int columns = temperatures.size() == 1 ? (int) Math.ceil(Math.sqrt(n)) : Math.min(n, 16);
      Png.rows(sets, columns, file);
    }
    out.println("wrote " + n + " samples per temperature " + temperatures + " to " + file);
    return 0;
  }

  private static List<Double> temperatures(CommandLine line) {
    List<Double> out = new ArrayList<>();
    if (line.hasOption("temperatures")) {
      for (String t : line.getOptionValue("temperatures").split(",")) {
        out.add(parse(t.trim()));
      }
    } else {
      out.add(line.hasOption("temperature") ? parse(line.getOptionValue("temperature")) : 0.7);
    }
    return out;
  }

  private static double parse(String t) {
    try {
      double v = Double.parseDouble(t);
      if (v < 0 || !Double.isFinite(v)) {
        throw new UsageException("a temperature must be a finite number ≥ 0, found " + t);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new UsageException("a temperature must be a number, found \"" + t + "\"");
    }
  }
}
