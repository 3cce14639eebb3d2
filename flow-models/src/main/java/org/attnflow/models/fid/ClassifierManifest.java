package org.attnflow.models.fid;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;

/**
 * What a saved feature classifier says about itself, as JSON: its name (scores with it are
 * {@code FD_<name>}), its architecture, and how well it classifies the test images.
 *
 * @param name the network's name
 * @param architecture the layers and shapes to rebuild it with
 * @param testAccuracy the fraction of test images classified correctly
 * @param testImages the number of test images that accuracy was measured on
 * @param steps the optimisation steps it was trained for
 */
public record ClassifierManifest(String name, CnnArchitecture architecture, double testAccuracy, int testImages, long steps) {
  /** The format tag of the manifest. */
  static final String FORMAT = "attnflow-feature-classifier 1";

  /** The manifest as a JSON object, one key per line. */
  public String toJson() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("format", FORMAT);
    o.put("name", name);
    o.put("architecture", CnnArchitecture.NAME);
    ImageShape in = architecture.input();
    o.put("input", List.of(in.channels(), in.height(), in.width()));
    o.put("widths", architecture.widths());
    o.put("features", architecture.features());
    o.put("classes", architecture.classes());
    o.put("test-accuracy", testAccuracy);
    o.put("test-images", testImages);
    o.put("steps", steps);
    return ConfigValueFactory.fromMap(o).render(ConfigRenderOptions.concise().setJson(true).setFormatted(true)) + "\n";
  }

  /** Reads the manifest {@code json} of the classifier in {@code file}. */
  static ClassifierManifest fromJson(Path file, String json) {
    try {
      Config c = ConfigFactory.parseString(json);
      if (!c.getString("format").equals(FORMAT) || !c.getString("architecture").equals(CnnArchitecture.NAME)) {
        throw new FlowException(file + ": a feature classifier of format \"" + c.getString("format") + "\" and architecture \""
            + c.getString("architecture") + "\"; this version reads \"" + FORMAT + "\" and \"" + CnnArchitecture.NAME + "\"");
      }
      List<Integer> input = c.getIntList("input");
      if (input.size() != 3) {
        throw new FlowException(file + ": the manifest's input must be [channels, height, width], found " + input);
      }
      CnnArchitecture architecture = new CnnArchitecture(new ImageShape(input.get(0), input.get(1), input.get(2)),
          c.getIntList("widths"), c.getInt("features"), c.getInt("classes"));
      return new ClassifierManifest(c.getString("name"), architecture, c.getDouble("test-accuracy"), c.getInt("test-images"),
          c.getLong("steps"));
    } catch (ConfigException e) {
      throw new FlowException(file + ": a damaged feature classifier manifest: " + e.getMessage(), e);
    }
  }
}
