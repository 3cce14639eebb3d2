package org.attnflow.cli.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.AttentionLayer;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowException;
import org.attnflow.api.FlowPass;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.RunOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.render.HeatMap;
import org.attnflow.cli.render.Png;
import org.attnflow.models.Conditioning;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.run.RunDirectory;

/**
 * Writes the attention of every attention layer of a trained model, for one test image, as PNG
 * heat maps: iMap's per-position weights σ(a + δ) as an H×W map, iTrans's token-to-token matrix
 * A as an N×N map. They go to {@code RUN_DIR/attention/} unless told otherwise.
 */
public final class AttentionCommand extends Command {
  private static final int TARGET_SIZE = 256;

  public AttentionCommand() {
    super("attention",
        "RUN_DIR [--image N] [--out DIR] [--checkpoint best|latest|FILE]",
        "write the attention maps of every attention layer for one test image as PNG heat maps");
  }

  @Override
  public Options options() {
    return RunOptions.add(CommonOptions.base())
        .addOption(Option.builder().longOpt("image").hasArg().argName("N").desc("index of the test image (default 0)").build())
        .addOption(Option.builder("o").longOpt("out").hasArg().argName("DIR")
            .desc("folder for the PNG files (default RUN_DIR/attention, where serve shows them)").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    RunDirectory dir = RunOptions.run(line);
    Path folder = line.hasOption("out") ? Path.of(line.getOptionValue("out")) : dir.root().resolve("attention");
    Path checkpoint = RunOptions.checkpoint(line, dir);
    Session session = Session.ofRun(dir, List.of(), CommonOptions.pluginDir(line));
    DataPipeline data = session.get(DataPipeline.class);
    int index = line.hasOption("image") ? TestImages.index(line, "image", data) : 0;
    try (NDManager manager = session.manager(); NDScope scope = new NDScope()) {
      FlowModel model = session.load(checkpoint, manager).model();
      TestImages.Sample image = TestImages.at(data, manager, index);
      NDArray x = image.images();
      Png.grid(Images.quantise(x), folder.resolve(String.format(Locale.ROOT, "image%05d.png", index)));
      List<Path> written = new ArrayList<>();
      Condition condition = Conditioning.of(model, image.labels(), manager);
      model.encode(x, Conditioning.on(FlowPass.encoding(), condition), (layer, input, output) -> {
        if (layer instanceof AttentionLayer attention) {
          Path file = folder.resolve(String.format(Locale.ROOT, "image%05d-%02d-%s.png", index, written.size(),
              layer.path().replace("model.", "").replaceAll("[^A-Za-z0-9]+", "_")));
          Png.write(render(attention.attentionMap(input, Conditioning.on(FlowPass.encoding(), condition))), file);
          written.add(file);
          out.println(layer.path() + " → " + file);
        }
        return true;
      });
      if (written.isEmpty()) {
        throw new FlowException("the model of " + dir.root() + " has no attention layer (iMap, iTrans)");
      }
      out.println("wrote " + written.size() + " attention maps of test image " + index + " to " + folder);
      return 0;
    }
  }

  private static java.awt.image.BufferedImage render(NDArray map) {
    List<Long> dims = java.util.Arrays.stream(map.getShape().getShape()).boxed().toList();
    int rows = (int) (long) dims.get(dims.size() - 2);
    int cols = (int) (long) dims.get(dims.size() - 1);
    return HeatMap.render(map.toFloatArray(), rows, cols, Math.max(1, TARGET_SIZE / Math.max(rows, cols)));
  }
}
