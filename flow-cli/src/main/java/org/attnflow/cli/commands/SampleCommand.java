package org.attnflow.cli.commands;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.FlowException;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.Frozen;
import org.attnflow.api.Guidable;
import org.attnflow.api.IterativeInverse;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.DenoiseOption;
import org.attnflow.cli.common.RunOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.common.UsageException;
import org.attnflow.cli.render.Png;
import org.attnflow.models.Conditioning;
import org.attnflow.models.Denoiser;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.MemoryEstimate;
import org.attnflow.models.SampleFinish;
import org.attnflow.models.SampledImages;
import org.attnflow.models.run.AtomicFiles;
import org.attnflow.models.run.RunDirectory;

/**
 * Draws samples from a trained run into PNG grids, one row block per temperature, in batches of
 * {@code --batch-size}. A grid holds at most {@value #GRID_LIMIT} images: more samples at one
 * temperature go into numbered files (FILE-001.png, FILE-002.png, …); a sweep must fit one grid.
 * Requests whose batch will not fit in memory, or whose images will not fit on the disk, are
 * refused. The noise of each batch follows {@link SampledImages}: every temperature uses the same
 * noise, and a seed with a batch size always gives the same images (another batch size gives
 * other ones). A class-conditional model draws the classes of {@link ClassChoice}: with
 * {@code --class all}, every class's rows use the same noise, so a column shows one latent under
 * each class. With {@code --denoise}, a run trained with Gaussian noise has its samples moved by
 * one score-based step ({@link Denoiser}; in a class-conditional model under each sample's class)
 * before they are quantised. With {@code --guidance W},
 * every sample of a class-conditional TarFlow trained with {@code train.class-dropout} is guided
 * towards its class (whichever classes {@code --class} draws; docs/maths.md, "Guidance"); W = 0 is
 * plain conditional sampling. Layers whose inverse iterates (TarFlow's Jacobi inverse) report the
 * iterations it took.
 */
public final class SampleCommand extends Command {
  /** The most images one PNG grid holds. */
  static final int GRID_LIMIT = 1024;
  private static final int DEFAULT_BATCH = 64;

  public SampleCommand() {
    super("sample",
        "RUN_DIR [--n 64] [--temperature 0.7 | --temperatures 0.5,0.7,1.0] [--class K|NAME|all] --out FILE.png [--seed S]"
            + " [--batch-size 64] [--denoise] [--guidance W]",
        "draw samples at one temperature or a sweep, as PNG grids of at most " + GRID_LIMIT
            + " images (more samples at one temperature go to FILE-001.png, FILE-002.png, …); of one class, or a row"
            + " block per class, for a class-conditional model");
  }

  @Override
  public Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("n").hasArg().argName("N").desc("samples per temperature (default 64)").build())
        .addOption(Option.builder().longOpt("temperature").hasArg().argName("T").desc("sampling temperature (default 0.7)").build())
        .addOption(Option.builder().longOpt("temperatures").hasArg().argName("T1,T2,…")
            .desc("a sweep: one block of rows per temperature, at most " + GRID_LIMIT + " images in all").build())
        .addOption(Option.builder().longOpt("class").hasArg().argName("K|NAME|all")
            .desc("class-conditional model: draw class K (a class name, else its index), or all for n samples of each class"
                + " (default: class-balanced, sample i of class i mod the number of classes)").build())
        .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("noise seed (default 0)").build())
        .addOption(Option.builder().longOpt("batch-size").hasArg().argName("B")
            .desc("samples drawn at once (default " + DEFAULT_BATCH + "); the images depend on it").build())
        .addOption(DenoiseOption.option())
        .addOption(Option.builder().longOpt("guidance").hasArg().argName("W")
            .desc("class-conditional TarFlow trained with train.class-dropout > 0: guide every sample towards its class,"
                + " μ and α = conditional + W·(conditional − unconditional) in every tarflow block (default 0, no guidance)").build())
        .addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE.png")
            .desc("the PNG to write; beyond " + GRID_LIMIT + " samples, FILE-001.png, FILE-002.png, …").required().build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    int n = CommonOptions.integerAtLeast(line, "n", 64, 1);
    int batch = Math.min(n, CommonOptions.integerAtLeast(line, "batch-size", DEFAULT_BATCH, 1));
    long seed = CommonOptions.longInteger(line, "seed", 0);
    List<Double> temperatures = temperatures(line);
    if (temperatures.size() > 1 && (long) n * temperatures.size() > GRID_LIMIT) {
      throw new UsageException("a sweep writes one grid of at most " + GRID_LIMIT + " images, found " + temperatures.size()
          + " temperatures × " + n + "; lower --n or sample one --temperature at a time");
    }
    Path file = Path.of(line.getOptionValue("out"));
    AtomicFiles.requireWritable(file);
    RunDirectory dir = RunOptions.run(line);
    Path checkpoint = RunOptions.checkpoint(line, dir);
    Session session = Session.ofRun(dir, List.of(), CommonOptions.pluginDir(line));
    int classCount = Conditioning.classes(session.run().model());
    ClassChoice choice = ClassChoice.of(line.getOptionValue("class"), classCount > 0 ? dir.classNames(classCount) : List.of());
    if (choice.mode() == ClassChoice.Mode.ALL) {
      if (temperatures.size() > 1) {
        throw new UsageException("--class all writes one grid at one temperature, found " + temperatures.size()
            + " temperatures; give one --temperature");
      }
      if ((long) n * classCount > GRID_LIMIT) {
        throw new UsageException("--class all writes one grid of at most " + GRID_LIMIT + " images, found " + classCount
            + " classes × " + n + "; lower --n");
      }
    }
    int blocks = choice.mode() == ClassChoice.Mode.ALL ? classCount : temperatures.size();
    List<Path> written = new ArrayList<>();
    Session.Loaded loaded;
    try (NDManager manager = session.manager()) {
      loaded = session.load(checkpoint, manager);
      FlowModel model = loaded.model();
      // the decoding pass keeps every layer's output; 2 passes leave room for the temporaries
      MemoryEstimate.of(model, new MemoryEstimate.Workload(batch, 2, "sampling batches of " + batch + " (--batch-size)"))
          .requireFits(session.run().model());
      requireDiskSpace(file, (long) n * blocks * model.inputShape().size());
      SampleFinish finish = DenoiseOption.finish(line, model, session, dir);
      double guidance = line.hasOption("guidance") ? guidance(line.getOptionValue("guidance"), model, session) : 0;
      try (Frozen frozen = model.freeze()) {
        if (choice.mode() == ClassChoice.Mode.ALL) {
          List<Images> sets = new ArrayList<>();
          for (int k = 0; k < classCount; k++) {
            sets.add(new SampledImages(model, manager, choice.only(k), 0, n, temperatures.get(0), batch, seed).guidedBy(guidance).finishedBy(finish)
                .all());
          }
          Png.rows(sets, Math.min(n, 16), file);
          written.add(file);
        } else if (temperatures.size() > 1) {
          List<Images> sets = new ArrayList<>();
          for (double t : temperatures) {
            sets.add(new SampledImages(model, manager, choice.classes(), 0, n, t, batch, seed).guidedBy(guidance).finishedBy(finish).all());
          }
          Png.rows(sets, Math.min(n, 16), file);
          written.add(file);
        } else {
          int pages = (n + GRID_LIMIT - 1) / GRID_LIMIT;
          for (int page = 0; page < pages; page++) {
            int from = page * GRID_LIMIT;
            Images images = new SampledImages(model, manager, choice.classes(), from, Math.min(n, from + GRID_LIMIT),
                temperatures.get(0), batch, seed).guidedBy(guidance).finishedBy(finish).all();
            Path target = pages == 1 ? file : numbered(file, page + 1);
            Png.grid(images, target);
            written.add(target);
          }
        }
      }
      reportInverseIterations(model, out);
    }
    String steps = (line.hasOption("guidance") ? ", guidance " + line.getOptionValue("guidance") : "")
        + (line.hasOption("denoise") ? ", denoised" : "");
    out.println("wrote " + n + " samples per temperature " + temperatures + choice.describe() + (steps.isEmpty() ? "" : steps + ",")
        + " to "
        + (written.size() == 1 ? file : written.size() + " files " + written.get(0) + " … " + written.get(written.size() - 1))
        + "; weights: " + loaded.weights());
    return 0;
  }

  /**
   * The guidance weight W of {@code --guidance}: a finite number ≥ 0, for a model with a block that
   * takes guidance (a class-conditional tarflow) trained with class dropout, whose "no class" it needs.
   */
  private static double guidance(String value, FlowModel model, Session session) {
    double weight;
    try {
      weight = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--guidance: expected a number ≥ 0, found \"" + value + "\"");
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new UsageException("--guidance: expected a finite number ≥ 0, found " + value);
    }
    if (!model.isConditional()) {
      throw new UsageException("--guidance: the run's model is unconditional (model.classes = 0), so there is no class to guide towards");
    }
    if (model.layers().stream().noneMatch(layer -> layer instanceof Guidable g && g.takesGuidance())) {
      throw new UsageException("--guidance: the run's model has no block that takes guidance (a tarflow block that takes the class)");
    }
    if (session.run().train().classDropout() == 0) {
      throw new UsageException("--guidance: the run was trained with train.class-dropout = 0, so its \"no class\" was never trained;"
          + " train with class-dropout > 0 (TarFlow uses 0.1)");
    }
    return weight;
  }

  /** One line per layer whose inverse iterated (TarFlow's Jacobi inverse): the iterations it took. */
  private static void reportInverseIterations(FlowModel model, PrintStream out) {
    for (FlowLayer layer : model.layers()) {
      if (layer instanceof IterativeInverse iterative && iterative.inverseIterations().calls() > 0) {
        out.println(layer.path() + ": inverse " + iterative.inverseIterations().describe());
      }
    }
  }

  /** Fails when {@code pixels} bytes, a PNG's size for images that do not compress, exceed the free disk space for {@code file}. */
  private static void requireDiskSpace(Path file, long pixels) {
    long free = AtomicFiles.usableSpace(file);
    if (pixels > free) {
      throw new FlowException(String.format(Locale.ROOT, "the samples would take up to %.2f GB of PNG, more than the %.2f GB free for %s; lower --n",
          pixels / 1e9, free / 1e9, file));
    }
  }

  /** FILE.png → FILE-007.png for page 7. */
  private static Path numbered(Path file, int page) {
    String name = file.getFileName().toString();
    int dot = name.toLowerCase().endsWith(".png") ? name.length() - 4 : name.length();
    return file.resolveSibling(String.format("%s-%03d%s", name.substring(0, dot), page, name.substring(dot)));
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
