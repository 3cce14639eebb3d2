package org.attnflow.cli.commands;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.FlowException;
import org.attnflow.api.data.Labels;
import org.attnflow.api.registry.Registry;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.common.UsageException;
import org.attnflow.data.DatasetImages;
import org.attnflow.models.Images;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.fid.ClassifierManifest;
import org.attnflow.models.fid.ClassifierSettings;
import org.attnflow.models.fid.ClassifierTrainer;
import org.attnflow.models.fid.CnnClassifier;
import org.attnflow.models.run.AtomicFiles;

/**
 * {@code attnflow features train}: trains the feature classifier of a configuration's
 * {@code features} block on the labelled images of its {@code data} block, prints its test
 * accuracy and writes it as NET (for {@code fid --features NET}) with its manifest beside it as
 * JSON (docs/fid.md).
 */
public final class FeaturesCommand extends Command {
  private static final String TRAIN = "train";

  public FeaturesCommand() {
    super("features",
        "train -c CONFIG --out NET.zip [--steps N] [--set key=value]...",
        "train a feature classifier on the dataset's labels, for fid --features (scores FD_<name>)");
  }

  @Override
  public Options options() {
    return CommonOptions.withConfig(CommonOptions.base())
        .addOption(Option.builder("c").longOpt("config").hasArg().argName("CONFIG").required()
            .desc("the HOCON configuration: data and features blocks").build())
        .addOption(Option.builder().longOpt("out").hasArg().argName("NET.zip").required()
            .desc("the network file to write; its manifest goes beside it as NET.json").build())
        .addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("training steps (overrides features.steps)").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    if (!CommonOptions.positional(line, "action (train)").equals(TRAIN)) {
      throw new UsageException("unknown action \"" + line.getArgList().get(0) + "\"; the one action is train");
    }
    Path network = Path.of(line.getOptionValue("out"));
    Path manifestFile = manifestBeside(network);
    List<String> overrides = new ArrayList<>(CommonOptions.overrides(line));
    if (line.hasOption("steps")) {
      overrides.add("features.steps = " + CommonOptions.integerAtLeast(line, "steps", 0, 1));
    }
    Session session = Session.ofConfig(RunConfig.load(Path.of(line.getOptionValue("config")), overrides), CommonOptions.pluginDir(line));
    ResolvedRun run = session.run();
    ClassifierSettings settings = ClassifierSettings.of(run.config().block("features"));
    Registry registry = session.get(Registry.class);
    DatasetImages.Splits splits = DatasetImages.openBoth(run.data(), registry);
    DatasetImages train = splits.train();
    DatasetImages test = splits.test();
    out.printf(Locale.ROOT, "training %s on %,d labelled images of %s (%,d test images) for %d steps%n",
        settings.name(), train.count(), train.shape(), test.count(), settings.steps());
    long start = System.nanoTime();
    long every = Math.max(1, settings.steps() / 20);
    CnnClassifier.WithManifest trained = ClassifierTrainer.train(settings, images(train), labels(train), images(test), labels(test),
        run.device(), (step, steps, loss) -> {
          if (step % every == 0 || step == steps) {
            out.printf(Locale.ROOT, "step %d/%d  loss %.4f%n", step, steps, loss);
          }
        });
    double seconds = (System.nanoTime() - start) / 1e9;
    try (CnnClassifier classifier = trained.classifier()) {
      ClassifierManifest manifest = trained.manifest();
      classifier.save(network, manifest);
      AtomicFiles.writeString(manifestFile, manifest.toJson());
      out.printf(Locale.ROOT, "test accuracy %.4f on %,d test images (%s, %d features, %d steps in %.0f s)%n",
          manifest.testAccuracy(), manifest.testImages(), manifest.name(), manifest.architecture().features(),
          manifest.steps(), seconds);
      out.println("wrote " + network + " (attnflow fid --features " + network + " reports FD_" + manifest.name()
          + ") and its manifest " + manifestFile);
    }
    return 0;
  }

  /** NET.json for NET.zip (NET.json for an extensionless NET). */
  private static Path manifestBeside(Path network) {
    String name = network.getFileName().toString();
    if (name.endsWith(".json")) {
      throw new UsageException("--out " + network + ": the network's manifest is written beside it as JSON; name the network otherwise");
    }
    int dot = name.lastIndexOf('.');
    return network.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
  }

  private static Images images(DatasetImages split) {
    return new Images(split.pixels(0, split.count()), split.count(), split.shape());
  }

  private static Labels labels(DatasetImages split) {
    return split.labels().orElseThrow(() -> new FlowException("the " + split.split() + " images of " + split.source()
        + " have no labels: give the idx dataset its train-labels and test-labels files, or put every image of an"
        + " image-folder dataset in a class subfolder (cifar10 is always labelled)"));
  }
}
