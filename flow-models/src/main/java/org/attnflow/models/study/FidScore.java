package org.attnflow.models.study;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Path;
import org.attnflow.api.FlowException;

/**
 * The parts of {@code attnflow fid --json}'s object that a study keeps: the metric's name
 * ({@code FID} only for pytorch-fid's Inception network, else {@code FD_<network>}), the score and
 * the arguments it was computed with.
 *
 * @param metric the metric's name
 * @param score the Fréchet distance
 * @param n samples drawn
 * @param temperature their temperature
 * @param networkFile the feature network file
 * @param reference train, test or the statistics file
 * @param denoised whether the samples were denoised first
 */
public record FidScore(String metric, double score, int n, double temperature, String networkFile, String reference,
    boolean denoised) {

  /** Reads the JSON object {@code json}, which came from {@code file}. */
  public static FidScore parse(String json, Path file) {
    try {
      Config o = ConfigFactory.parseString(json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
      return new FidScore(o.getString("metric"), o.getDouble("score"), o.getInt("n"), o.getDouble("temperature"),
          o.getString("network_file"), o.getString("reference"), o.getBoolean("denoised"));
    } catch (ConfigException e) {
      throw new FlowException(file + ": not the JSON of attnflow fid: " + e.getMessage(), e);
    }
  }

  /** Whether this score was computed as {@code settings} ask for {@code point}. */
  public boolean matches(FidSettings settings, FidPoint point) {
    return n == settings.n() && temperature == point.temperature() && denoised == point.denoised()
        && Path.of(networkFile).toAbsolutePath().normalize().equals(settings.features().toAbsolutePath().normalize())
        && reference.equals(settings.reference());
  }
}
