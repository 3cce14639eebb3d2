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
import org.attnflow.cli.render.Png;
import org.attnflow.models.Conditioning;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.run.AtomicFiles;
import org.attnflow.models.run.RunDirectory;

/** Encodes real test images and decodes them again, reporting the largest error. */
public final class ReconstructCommand extends Command {

  public ReconstructCommand() {
    super("reconstruct",
        "RUN_DIR [--n 16] [--out FILE.png] [--checkpoint best|latest|FILE]",
        "encode and decode test images; report the maximum reconstruction error");
  }

  @Override
  public Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("n").hasArg().argName("N").desc("test images, a uniform sample that is the same for every run (seed 0; default 16)").build())
        .addOption(Option.builder("o").longOpt("out").hasArg().argName("FILE.png").desc("write originals above reconstructions").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    int n = CommonOptions.integerAtLeast(line, "n", 16, 1);
    if (line.hasOption("out")) {
      AtomicFiles.requireWritable(Path.of(line.getOptionValue("out")));
    }
    RunDirectory dir = RunOptions.run(line);
    Path checkpoint = RunOptions.checkpoint(line, dir);
    Session session = Session.ofRun(dir, List.of(), CommonOptions.pluginDir(line));
    try (NDManager manager = session.manager(); NDScope scope = new NDScope()) {
      Session.Loaded loaded = session.load(checkpoint, manager);
      FlowModel model = loaded.model();
      TestImages.Sample sample = TestImages.sample(session.get(DataPipeline.class), n, manager);
      NDArray x = sample.images();
      NDArray back = model.reconstruct(x, Conditioning.of(model, sample.labels(), manager));
      double error = back.sub(x).abs().max().getFloat();
      out.printf(Locale.ROOT, "reconstructed %s: max |x − f⁻¹(f(x))| = %.3g (weights: %s)%n", sample.description(), error,
          loaded.weights());
      if (line.hasOption("out")) {
        Path file = Path.of(line.getOptionValue("out"));
        Png.rows(List.of(Images.quantise(x), Images.quantise(back)), (int) Math.min(x.getShape().get(0), 16), file);
        out.println("wrote originals and reconstructions to " + file);
      }
      return 0;
    }
  }
}
