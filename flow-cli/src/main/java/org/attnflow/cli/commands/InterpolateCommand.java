package org.attnflow.cli.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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
import org.attnflow.cli.render.Png;
import org.attnflow.models.Conditioning;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.Interpolation;
import org.attnflow.models.Latents;
import org.attnflow.models.run.AtomicFiles;
import org.attnflow.models.run.RunDirectory;

/**
 * Encodes two test images into every latent (the final one and each split's), interpolates every
 * latent between them and decodes the path: one row of images from the first to the second.
 */
public final class InterpolateCommand extends Command {

  public InterpolateCommand() {
    super("interpolate",
        "RUN_DIR --from I --to J [--steps 8] [--spherical] --out FILE.png [--checkpoint best|latest|FILE]",
        "decode a path between the latents of two test images; report the end points' round-trip error");
  }

  @Override
  public Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("from").hasArg().argName("I").desc("index of the first test image").build())
        .addOption(Option.builder().longOpt("to").hasArg().argName("J").desc("index of the last test image").build())
        .addOption(Option.builder().longOpt("steps").hasArg().argName("N")
            .desc("images on the path, both test images' decodings included (default 8, at least 2)").build())
        .addOption(Option.builder().longOpt("spherical")
            .desc("interpolate each latent of an image spherically (slerp) rather than linearly").build())
        .addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE.png")
            .desc("write the decoded path as one row").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    int steps = CommonOptions.integerAtLeast(line, "steps", 8, 2);
    if (!line.hasOption("out")) {
      throw new UsageException("--out FILE.png is required");
    }
    Path file = Path.of(line.getOptionValue("out"));
    AtomicFiles.requireWritable(file);
    Interpolation how = line.hasOption("spherical") ? Interpolation.SPHERICAL : Interpolation.LINEAR;
    RunDirectory dir = RunOptions.run(line);
    Path checkpoint = RunOptions.checkpoint(line, dir);
    Session session = Session.ofRun(dir, List.of(), CommonOptions.pluginDir(line));
    DataPipeline data = session.get(DataPipeline.class);
    int from = TestImages.index(line, "from", data);
    int to = TestImages.index(line, "to", data);
    try (NDManager manager = session.manager(); NDScope scope = new NDScope()) {
      Session.Loaded loaded = session.load(checkpoint, manager);
      FlowModel model = loaded.model();
      TestImages.Sample ends = TestImages.at(data, manager, from, to);
      NDArray x = ends.images();
      Latents latents = model.latents(x, Conditioning.of(model, ends.labels(), manager));
      NDArray path = model.decode(latents.path(0, 1, steps, how), Conditioning.of(model, pathClasses(ends.labels(), steps), manager));
      out.printf(Locale.ROOT, "round trip of the end points: max |x − f⁻¹(f(x))| = %.3g (test image %d), %.3g (test image %d)%n",
          maxError(path.get(0), x.get(0)), from, maxError(path.get(steps - 1), x.get(1)), to);
      Png.rows(List.of(Images.quantise(path)), steps, file);
      out.printf(Locale.ROOT, "wrote the %d decodings along the %s path from test image %d to %d (one row, both ends included) to %s (weights: %s)%n",
          steps, how.name().toLowerCase(Locale.ROOT), from, to, file, loaded.weights());
      return 0;
    }
  }

  /**
   * The class of each point of a path between two images of a class-conditional model: the first
   * image's class for the first half of the points, the second's for the rest, so that each end
   * decodes under the class it was encoded with; null when the data has no labels.
   */
  private static int[] pathClasses(int[] ends, int steps) {
    if (ends == null) {
      return null;
    }
    int[] classes = new int[steps];
    for (int k = 0; k < steps; k++) {
      classes[k] = 2 * k < steps ? ends[0] : ends[1];
    }
    return classes;
  }

  private static double maxError(NDArray decoded, NDArray original) {
    return decoded.sub(original).abs().max().getFloat();
  }
}
