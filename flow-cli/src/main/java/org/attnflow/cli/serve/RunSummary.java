package org.attnflow.cli.serve;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.config.Settings;
import org.attnflow.data.DataPipelines;
import org.attnflow.models.run.MetricsRow;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.run.RunLock;
import org.attnflow.models.study.RunMetrics;

/**
 * What the list of runs shows of one run, read from its directory: its configuration's name and
 * model, the steps done of its target, the best and latest test bits/dim, the Fréchet distances
 * of its samples, its median training throughput and its state.
 *
 * @param path the run's path relative to the served folder
 * @param configuration the configuration's name: the folder above {@code seed-N} in a study, else
 *     the run's folder without the time that {@code train} appends
 * @param model the model in a line (levels × steps, the step's layers, the prior), with a note when its
 *     bits/dim are under Gaussian noise
 * @param stepsDone the last step in {@code metrics.csv} (0 when none)
 * @param stepsTarget {@code train.steps} (−1 when the configuration cannot be read)
 * @param bestTestBpd the lowest test bits/dim (NaN when none)
 * @param latestTestBpd the test bits/dim of the last evaluation (NaN when none)
 * @param fd what scored the samples, and how ("" when nothing did)
 * @param imagesPerSecond the median training throughput (NaN when none)
 * @param state where it stands
 * @param failure why its last training failed ("" unless it did)
 */
record RunSummary(String path, String configuration, String model, long stepsDone, long stepsTarget, double bestTestBpd,
    double latestTestBpd, String fd, double imagesPerSecond, RunState state, String failure) {

  /** Reads the run in {@code dir}, whose path relative to the served folder is {@code path} and whose metrics are {@code rows}. */
  static RunSummary read(Path dir, String path, List<MetricsRow> rows) {
    RunDirectory run = new RunDirectory(dir);
    Config config = config(run);
    long target = config.hasPath("train.steps") ? config.getLong("train.steps") : -1;
    long done = rows.stream().mapToLong(MetricsRow::step).max().orElse(0);
    List<MetricsRow> tests = rows.stream().filter(MetricsRow::test).toList();
    double best = tests.stream().mapToDouble(MetricsRow::bpd).filter(Double::isFinite).min().orElse(Double.NaN);
    double latest = tests.isEmpty() ? Double.NaN : tests.get(tests.size() - 1).bpd();
    String failure = text(run.failure()).trim();
    boolean evaluates = !config.hasPath("train.eval-every") || config.getLong("train.eval-every") > 0;
    boolean reached = target >= 0 && done >= target && (!evaluates || tests.stream().anyMatch(r -> r.step() == target));
    RunState state = RunLock.isHeld(dir) ? RunState.RUNNING
        : !failure.isEmpty() ? RunState.FAILED
        : reached ? RunState.FINISHED : RunState.STOPPED;
    return new RunSummary(path, configurationName(dir), model(config), done, target, best, latest, fd(dir, tests),
        RunMetrics.of(rows).medianTrainImagesPerSecond(), state, failure);
  }

  /** Steps as "done / target". */
  String steps() {
    return stepsTarget < 0 ? Long.toString(stepsDone) : stepsDone + " / " + stepsTarget;
  }

  /** The configuration's name of the run in {@code dir} (see {@link #configuration()}). */
  static String configurationName(Path dir) {
    String name = dir.getFileName().toString();
    if (name.matches("seed-\\d+") && dir.getParent() != null && dir.getParent().getFileName() != null) {
      return dir.getParent().getFileName().toString();
    }
    return name.replaceFirst("-\\d{8}-\\d{6}$", "");
  }

  /** The run's resolved configuration; empty when it cannot be read. */
  private static Config config(RunDirectory run) {
    try {
      return ConfigFactory.parseFile(run.config().toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException unreadable) {
      return ConfigFactory.empty();
    }
  }

  private static String model(Config config) {
    try {
      Config model = config.getConfig("model");
      List<String> layers = new ArrayList<>();
      for (Config step : model.getConfigList("step")) {
        layers.add(step.getString("type"));
      }
      return String.format(Locale.ROOT, "%d × %d: %s; prior %s%s", model.getInt("levels"), model.getInt("steps"),
          String.join(", ", layers), model.getString("prior.type"), noise(config));
    } catch (ConfigException | ConfigError incomplete) {
      return "?";
    }
  }

  /**
   * How a run that does not use uniform dequantisation noised its data, as a note that its bits/dim
   * do not compare with the others' (TarFlow's Gaussian noise); empty otherwise, and for a run from
   * before {@code data.noise} existed.
   */
  private static String noise(Config config) {
    if (!config.hasPath("data.noise")) {
      return "";
    }
    Settings data = Settings.root(config).block("data");
    if (DataPipelines.gaussianSigma(data).isEmpty()) {
      return "";
    }
    return "; bits/dim under " + DataPipelines.noiseDescription(data) + ", not comparable with uniform dequantisation";
  }

  /**
   * The Fréchet distance of the last evaluation that scored its samples ({@code train.fid}), else
   * the scores that {@code fid --json} left as {@code fid-t<T>.json} (a study's).
   */
  private static String fd(Path dir, List<MetricsRow> tests) {
    for (int i = tests.size() - 1; i >= 0; i--) {
      if (!Double.isNaN(tests.get(i).fd())) {
        return String.format(Locale.ROOT, "%.4g (step %d)", tests.get(i).fd(), tests.get(i).step());
      }
    }
    Map<String, String> scores = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "fid-t*.json")) {
      for (Path file : files) {
        try {
          Config json = ConfigFactory.parseFile(file.toFile());
          scores.put(json.getString("metric") + " T = " + json.getString("temperature"),
              String.format(Locale.ROOT, "%.4g", json.getDouble("score")));
        } catch (ConfigException unreadable) {
          // a score being written, or not one of fid's: shown once it is whole
        }
      }
    } catch (IOException gone) {
      return "";
    }
    List<String> shown = new ArrayList<>();
    scores.forEach((what, score) -> shown.add(what + ": " + score));
    return String.join("; ", shown);
  }

  /** The content of a small text file; "" when it is missing. */
  static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException missing) {
      return "";
    }
  }
}
