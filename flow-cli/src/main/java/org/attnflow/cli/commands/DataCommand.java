package org.attnflow.cli.commands;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.Labels;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.render.Png;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.DataPipelines;
import org.attnflow.data.DatasetImages;
import org.attnflow.data.PixelStatistics;
import org.attnflow.data.UnreadableFilesException;
import org.attnflow.models.Images;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.RunConfig;

/**
 * {@code attnflow data}: what the data block of a configuration holds, as a run sees it (after
 * {@code data.pad}): the dataset type, both splits' sizes and sources, the image shape, the
 * classes with their image counts, each channel's pixel mean and standard deviation, baselines in
 * bits/dim, optionally a PNG grid of 64 training images, and the time the reading took. Files that
 * cannot be read are listed, each with its reason, before the command fails.
 */
public final class DataCommand extends Command {
  /** The number of training images in the grid. */
  static final int GRID = 64;
  /** Classes listed one by one up to this many; more are summarised. */
  private static final int LISTED_CLASSES = 20;

  public DataCommand() {
    super("data",
        "CONFIG [--out grid.png] [--set key=value]... [--plugins DIR]",
        "show what the configured dataset holds: splits, shape, classes, pixel statistics, a grid of images");
  }

  @Override
  public Options options() {
    return CommonOptions.withConfig(CommonOptions.base())
        .addOption(Option.builder().longOpt("out").hasArg().argName("grid.png")
            .desc("write a grid of " + GRID + " training images, evenly spaced through the split, as PNG").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    Path file = Path.of(CommonOptions.positional(line, "CONFIG file"));
    Session session = Session.ofConfig(RunConfig.load(file, CommonOptions.overrides(line)), CommonOptions.pluginDir(line));
    ResolvedRun run = session.run();
    Registry registry = session.get(Registry.class);
    Settings dataset = run.data().block("dataset");
    DataPipelines.validate(run.data());
    out.printf("dataset %s: %s%n", dataset.string("type"), registry.provider(PluginKind.DATASET, dataset).description());

    long start = System.nanoTime();
    DatasetImages.Splits splits = open(run.data(), registry, out);
    double seconds = (System.nanoTime() - start) / 1e9;
    DatasetImages train = splits.train();
    DatasetImages test = splits.test();

    out.printf(Locale.ROOT, "  train        %,d images  %s%n", train.count(), train.source());
    out.printf(Locale.ROOT, "  test         %,d images  %s%n", test.count(), test.source());
    out.printf(Locale.ROOT, "  image        %s, D = %,d dimensions (%s, as a run sees them)%n",
        train.shape(), train.shape().size(), train.preprocessing());
    printClasses(train.labels(), test.labels(), out);
    PixelStatistics trainPixels = PixelStatistics.of(train);
    PixelStatistics testPixels = PixelStatistics.of(test);
    for (int c = 0; c < trainPixels.channels(); c++) {
      out.printf(Locale.ROOT, "  channel %d    mean %.2f  std %.2f  (training pixels, 0..255; test: mean %.2f  std %.2f)%n",
          c, trainPixels.mean(c), trainPixels.std(c), testPixels.mean(c), testPixels.std(c));
    }
    out.printf(Locale.ROOT, "  bits/dim     %.3f  uniform over the %d levels of a pixel (any 8-bit data)%n",
        Math.log(PixelStatistics.LEVELS) / Math.log(2), PixelStatistics.LEVELS);
    out.printf(Locale.ROOT, "               %.3f  uniform over the %d values that occur in the training pixels%n",
        trainPixels.uniformOverDistinctBitsPerDim(), trainPixels.distinctValues());
    out.printf(Locale.ROOT, "               %.3f  entropy of the training pixels' histogram (test pixels under it: %.3f)%n",
        trainPixels.histogramEntropy(), trainPixels.crossEntropyOf(testPixels));
    Optional.ofNullable(line.getOptionValue("out")).map(Path::of).ifPresent(grid -> writeGrid(train, grid, out));
    out.printf(Locale.ROOT, "  read in      %.2f s (both splits, decoded and padded)%n", seconds);
    return 0;
  }

  /** Opens both splits; files that cannot be read are listed with their reasons before the error goes on. */
  private static DatasetImages.Splits open(Settings data, Registry registry, PrintStream out) {
    try {
      return DatasetImages.openBoth(data, registry);
    } catch (UnreadableFilesException e) {
      out.printf(Locale.ROOT, "  bad files    %,d%n", e.files().size());
      for (UnreadableFilesException.BadFile bad : e.files()) {
        out.println("    " + bad.file() + ": " + bad.reason());
      }
      throw e;
    } catch (DataFormatException e) {
      out.println("  bad files    1");
      out.println("    " + e.getMessage());
      throw e;
    }
  }

  private static void printClasses(Optional<Labels> train, Optional<Labels> test, PrintStream out) {
    if (train.isEmpty()) {
      out.println("  classes      none (unlabelled)");
      return;
    }
    Labels labels = train.get();
    int[] trainCounts = counts(labels);
    int[] testCounts = test.map(DataCommand::counts).orElse(new int[labels.classes()]);
    int present = 0;
    int min = 0;
    int max = 0;
    for (int k = 0; k < trainCounts.length; k++) {
      present += trainCounts[k] > 0 ? 1 : 0;
      min = trainCounts[k] < trainCounts[min] ? k : min;
      max = trainCounts[k] > trainCounts[max] ? k : max;
    }
    out.printf(Locale.ROOT, "  classes      %,d, %,d of them with training images; training images per class %,d (%s) to %,d (%s)%n",
        labels.classes(), present, trainCounts[min], labels.names().get(min), trainCounts[max], labels.names().get(max));
    List<String> names = labels.names();
    int listed = names.size() <= LISTED_CLASSES ? names.size() : 5;
    for (int k = 0; k < listed; k++) {
      out.printf(Locale.ROOT, "    %-20s %,8d train %,8d test%n", names.get(k), trainCounts[k], testCounts[k]);
    }
    if (listed < names.size()) {
      out.printf(Locale.ROOT, "    … and %,d more classes%n", names.size() - listed);
    }
  }

  private static int[] counts(Labels labels) {
    int[] counts = new int[labels.classes()];
    for (int v : labels.values()) {
      counts[v]++;
    }
    return counts;
  }

  /** Writes {@value #GRID} training images (all when fewer), evenly spaced through the split, as a grid. */
  private static void writeGrid(DatasetImages train, Path file, PrintStream out) {
    int n = Math.min(GRID, train.count());
    int size = train.shape().size();
    byte[] pixels = new byte[n * size];
    for (int k = 0; k < n; k++) {
      System.arraycopy(train.pixels((int) ((long) k * train.count() / n), 1), 0, pixels, k * size, size);
    }
    Png.grid(new Images(pixels, n, train.shape()), file);
    out.printf(Locale.ROOT, "  grid         %s: %d training images, image k = ⌊k·%,d/%d⌋%n", file, n, train.count(), n);
  }
}
