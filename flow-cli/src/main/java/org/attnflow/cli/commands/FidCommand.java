package org.attnflow.cli.commands;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.registry.Registry;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.DenoiseOption;
import org.attnflow.cli.common.Json;
import org.attnflow.cli.common.ReferenceStatistics;
import org.attnflow.cli.common.RunOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.models.fid.FeatureNetwork;
import org.attnflow.models.fid.FrechetDistance;
import org.attnflow.models.fid.SampleScore;
import org.attnflow.models.run.RunDirectory;

/**
 * The Fréchet distance between the features of a run's samples and of real images (docs/fid.md):
 * one line, or a JSON object with --json. A score that is defined but unreliable comes with one
 * warning line per reason on standard error.
 */
public final class FidCommand extends Command {
  private final PrintStream err;

  /** The command; warnings go to {@code err}. */
  public FidCommand(PrintStream err) {
    super("fid",
        "RUN_DIR --features NET.pt [--n 10000] [--temperature 1.0] [--reference train|test|STATS.npz]"
            + " [--batch-size 50] [--checkpoint best|latest|FILE] [--seed S] [--denoise] [--json]",
        "Fréchet distance of samples to real images in a feature network's space (FID with pytorch-fid's Inception)");
    this.err = err;
  }

  @Override
  public Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("features").hasArg().argName("NET.pt").required()
            .desc("the feature network: a TorchScript file or a classifier from features train (docs/fid.md)").build())
        .addOption(Option.builder().longOpt("n").hasArg().argName("N").desc("samples to draw (default 10000)").build())
        .addOption(Option.builder().longOpt("temperature").hasArg().argName("T").desc("sampling temperature (default 1.0)").build())
        .addOption(Option.builder().longOpt("reference").hasArg().argName("train|test|STATS.npz")
            .desc("the real images: a split of the run's dataset (statistics cached next to it) or a .npz file with mu and sigma (default train)").build())
        .addOption(Option.builder().longOpt("batch-size").hasArg().argName("N").desc("images per batch (default 50)").build())
        .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("noise seed (default 0)").build())
        .addOption(DenoiseOption.option())
        .addOption(Option.builder().longOpt("json").desc("print a JSON object instead of a line").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    Path features = Path.of(line.getOptionValue("features"));
    int n = CommonOptions.integerAtLeast(line, "n", 10000, 2);
    double temperature = CommonOptions.nonNegative(line, "temperature", 1.0);
    String reference = line.getOptionValue("reference", "train");
    int batchSize = CommonOptions.integerAtLeast(line, "batch-size", 50, 1);
    long seed = CommonOptions.longInteger(line, "seed", 0);
    RunDirectory dir = RunOptions.run(line);
    Path checkpoint = RunOptions.checkpoint(line, dir);
    Session session = Session.ofRun(dir, List.of(), CommonOptions.pluginDir(line));
    try (NDManager manager = session.manager();
        FeatureNetwork network = FeatureNetwork.load(features, manager.getDevice())) {
      ReferenceStatistics real = ReferenceStatistics.resolve(reference, network, session.run().data(),
          session.get(Registry.class), manager, batchSize);
      Session.Loaded loaded = session.load(checkpoint, manager);
      FrechetDistance.Result score = SampleScore.of(loaded.model(), network, real.statistics(), n, temperature, batchSize, seed,
          DenoiseOption.finish(line, loaded.model(), session, dir), manager);
      for (String warning : score.warnings()) {
        err.println("attnflow fid: warning: " + warning);
      }
      out.println(line.hasOption("json")
          ? Json.object(json(score, network, n, temperature, line.hasOption("denoise"), seed, checkpoint, loaded.weights(), real))
          : String.format(Locale.ROOT, "%s = %.5g (n = %d, T = %s%s, checkpoint %s, weights: %s, reference %s, network %s sha256 %s)",
              network.metric(), score.value(), n, temperature, line.hasOption("denoise") ? ", denoised" : "", checkpoint,
              loaded.weights(), real.label(), network.name(),
              network.sha256().substring(0, 12)));
      return 0;
    }
  }

  private static Map<String, Object> json(FrechetDistance.Result score, FeatureNetwork network, int n, double temperature,
      boolean denoised, long seed, Path checkpoint, String weights, ReferenceStatistics real) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("metric", network.metric());
    o.put("score", score.value());
    o.put("n", n);
    o.put("network", network.name());
    o.put("network_file", network.file().toString());
    o.put("network_sha256", network.sha256());
    o.put("temperature", temperature);
    o.put("denoised", denoised);
    o.put("seed", seed);
    o.put("checkpoint", checkpoint.toString());
    o.put("weights", weights);
    o.put("reference", real.reference());
    o.put("reference_statistics", real.file().toString());
    o.put("warnings", score.warnings().isEmpty() ? null : String.join(" | ", score.warnings()));
    return o;
  }
}
