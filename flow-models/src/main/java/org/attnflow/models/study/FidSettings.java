package org.attnflow.models.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attnflow.api.config.Settings;

/**
 * The {@code fid} block of a study file: the arguments of {@code attnflow fid} for every finished
 * run, once per temperature, and once more with {@code --denoise} when {@code denoise} is set.
 *
 * @param features the feature network (TorchScript file)
 * @param n samples drawn per score
 * @param temperatures the sampling temperatures, one score each
 * @param reference {@code train}, {@code test} or the path of a statistics file
 * @param denoise whether each temperature is also scored on denoised samples
 */
public record FidSettings(Path features, int n, List<Double> temperatures, String reference, boolean denoise) {

  /** Reads and checks the block; relative files start at {@code dir}, the study file's directory. */
  static FidSettings of(Settings fid, Path dir) {
    Path features = dir.resolve(fid.string("features")).normalize();
    if (!Files.isRegularFile(features)) {
      throw fid.error("features", "no feature network file " + features);
    }
    List<Double> temperatures = fid.numbers("temperatures");
    if (temperatures.isEmpty() || temperatures.stream().anyMatch(t -> !(t >= 0) || Double.isInfinite(t))) {
      throw fid.error("temperatures", "expected a non-empty list of finite temperatures ≥ 0, found " + temperatures);
    }
    if (temperatures.stream().distinct().count() != temperatures.size()) {
      throw fid.error("temperatures", "a temperature is listed twice: " + temperatures);
    }
    String reference = fid.string("reference");
    if (!reference.equals("train") && !reference.equals("test")) {
      Path file = dir.resolve(reference).normalize();
      if (!Files.isRegularFile(file)) {
        throw fid.error("reference", "expected train, test or a statistics file; no file " + file);
      }
      reference = file.toString();
    }
    return new FidSettings(features, fid.integerAtLeast("n", 2), temperatures, reference, fid.bool("denoise"));
  }

  /** The scores to compute, per temperature: its samples as drawn, then denoised if asked. */
  public List<FidPoint> points() {
    List<FidPoint> points = new ArrayList<>();
    for (double t : temperatures) {
      points.add(new FidPoint(t, false));
      if (denoise) {
        points.add(new FidPoint(t, true));
      }
    }
    return points;
  }
}
