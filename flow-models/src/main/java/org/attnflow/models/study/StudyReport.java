package org.attnflow.models.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.attnflow.models.run.AtomicFiles;

/**
 * The tables of a study: {@code study.csv}, one row per run, and {@code study.md}, per
 * configuration the mean and standard deviation over seeds, and against the baseline the paired
 * differences over seeds with their 95% intervals ({@link SeedStatistics}). Failed runs are listed
 * and left out of the statistics.
 */
public final class StudyReport {
  private final StudyFile study;
  private final List<RunResult> runs;
  private final String metric;
  private final String samplingMethod;

  /**
   * The report of {@code runs}; {@code metric} names the Fréchet distance (null when there is
   * none) and {@code samplingMethod} says how sampling throughput was measured.
   */
  public StudyReport(StudyFile study, List<RunResult> runs, String metric, String samplingMethod) {
    this.study = study;
    this.runs = List.copyOf(runs);
    this.metric = metric;
    this.samplingMethod = samplingMethod;
  }

  /** Writes {@code study.csv} and {@code study.md} into {@code dir}, each atomically. */
  public void write(Path dir) {
    AtomicFiles.writeString(dir.resolve("study.csv"), csv());
    AtomicFiles.writeString(dir.resolve("study.md"), markdown());
  }

  /** The per-run table. */
  public String csv() {
    List<String> header = new ArrayList<>(List.of("config", "seed", "state", "steps", "test_bpd", "test_bpd_ci95",
        "train_images_per_s", "sample_images_per_s", "parameters"));
    for (FidPoint point : points()) {
      header.add(metricName() + point.csvSuffix());
    }
    header.add("note");
    StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
    for (RunResult r : runs) {
      List<String> row = new ArrayList<>(List.of(r.config(), Long.toString(r.seed()), r.finished() ? "finished" : "failed",
          r.steps() < 0 ? "" : Long.toString(r.steps()), number("%.6f", r.testBpd()), number("%.6f", r.testCi95()),
          number("%.2f", r.trainImagesPerSecond()), number("%.2f", r.sampleImagesPerSecond()),
          r.parameters() < 0 ? "" : Long.toString(r.parameters())));
      for (FidPoint point : points()) {
        row.add(number("%.6g", r.fd().getOrDefault(point, Double.NaN)));
      }
      row.add(csvText(r.note()));
      out.append(String.join(",", row)).append('\n');
    }
    return out.toString();
  }

  /** The summary: statistics per configuration and paired differences against the baseline. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Study ").append(study.name()).append("\n\n");
    md.append(String.format(Locale.ROOT, "%d configurations × %d seeds (%s) from %s; baseline %s.",
        study.configs().size(), study.seeds().size(), join(study.seeds()), study.file().getFileName(), study.baseline()));
    md.append(study.overrides().isEmpty() ? "" : " Every run: `" + String.join("`, `", study.overrides()) + "`.");
    md.append(" A run of seed s has model.seed = train.seed = s.\n\n");
    perConfiguration(md);
    paired(md);
    List<RunResult> notes = runs.stream().filter(r -> !r.note().isEmpty()).toList();
    if (!notes.isEmpty()) {
      md.append("\n## Problems\n\n");
      for (RunResult r : notes) {
        md.append("- ").append(r.config()).append(" seed ").append(r.seed()).append(r.finished() ? ": " : " failed: ")
            .append(r.note()).append('\n');
      }
    }
    return md.toString();
  }

  private void perConfiguration(StringBuilder md) {
    md.append("## Per configuration\n\nMean ± standard deviation over the seeds whose run finished.\n\n");
    Map<String, ToDoubleFunction<RunResult>> columns = columns();
    md.append("| configuration | runs finished | ").append(String.join(" | ", columns.keySet())).append(" |\n");
    md.append("|---|---:|").append("---:|".repeat(columns.size())).append('\n');
    for (String config : study.configs().keySet()) {
      List<RunResult> done = finished(config);
      md.append("| ").append(config).append(" | ").append(done.size()).append(" of ").append(study.seeds().size());
      for (Map.Entry<String, ToDoubleFunction<RunResult>> c : columns.entrySet()) {
        SeedStatistics s = SeedStatistics.of(values(done, c.getValue()));
        md.append(" | ").append(spread(s, c.getKey()));
      }
      md.append(" |\n");
    }
    md.append("\nTrain img/s is the median over a run's logged steps, with the threads it had (the cores divided by"
        + " --parallel), so it compares runs of one study, not studies run with different --parallel. Sample img/s: ")
        .append(samplingMethod).append('\n');
  }

  private void paired(StringBuilder md) {
    md.append("\n## Against ").append(study.baseline()).append("\n\n");
    md.append("Paired differences, configuration − ").append(study.baseline())
        .append(" over the seeds where both runs finished: mean [95% confidence interval]. Lower is better for both.\n\n");
    Map<String, ToDoubleFunction<RunResult>> columns = scores();
    md.append("| configuration | n | t(0.975, n − 1) | ").append(String.join(" | ", columns.keySet())).append(" |\n");
    md.append("|---|---:|---:|").append("---:|".repeat(columns.size())).append('\n');
    Map<Long, RunResult> baseline = bySeed(study.baseline());
    for (String config : study.configs().keySet()) {
      if (config.equals(study.baseline())) {
        continue;
      }
      Map<Long, RunResult> mine = bySeed(config);
      StringBuilder cells = new StringBuilder();
      int n = 0;
      for (ToDoubleFunction<RunResult> column : columns.values()) {
        SeedStatistics d = SeedStatistics.paired(seedValues(mine, column), seedValues(baseline, column));
        n = Math.max(n, d.n());
        cells.append(" | ").append(difference(d));
      }
      md.append("| ").append(config).append(" | ").append(n).append(" | ")
          .append(n < 2 ? "–" : String.format(Locale.ROOT, "%.3f", SeedStatistics.tQuantile(0.975, n - 1)))
          .append(cells).append(" |\n");
    }
    md.append("\nn is the number of seeds where both runs finished. For the per-seed differences d, the interval is"
        + " mean(d) ± t(0.975, n − 1) · sd(d) / √n, Student's t with n − 1 degrees of freedom; it assumes the"
        + " differences are independent draws from one normal distribution. It covers the variation between seeds"
        + " (initialisation, data order, dequantisation noise) of this protocol only: not other step counts,"
        + " hyper-parameters or datasets. With n = 1 there is no interval. An interval that excludes 0 says the"
        + " difference is larger than the seed-to-seed variation at the 5% level; one that includes 0 does not"
        + " show that there is no difference.\n");
  }

  /** The figures that judge a model: test bits/dim and the Fréchet distance per temperature (and denoising). */
  private Map<String, ToDoubleFunction<RunResult>> scores() {
    Map<String, ToDoubleFunction<RunResult>> columns = new LinkedHashMap<>();
    columns.put("test bits/dim", RunResult::testBpd);
    for (FidPoint point : points()) {
      columns.put(metricName() + " " + point.label(), r -> r.fd().getOrDefault(point, Double.NaN));
    }
    return columns;
  }

  /** The scores, then throughput and size. */
  private Map<String, ToDoubleFunction<RunResult>> columns() {
    Map<String, ToDoubleFunction<RunResult>> columns = scores();
    columns.put("train img/s", RunResult::trainImagesPerSecond);
    columns.put("sample img/s", RunResult::sampleImagesPerSecond);
    columns.put("parameters", r -> r.parameters() < 0 ? Double.NaN : r.parameters());
    return columns;
  }

  private List<FidPoint> points() {
    return study.fid().map(FidSettings::points).orElse(List.of());
  }

  private String metricName() {
    return metric != null ? metric : "FD";
  }

  private List<RunResult> finished(String config) {
    return runs.stream().filter(r -> r.finished() && r.config().equals(config)).toList();
  }

  private Map<Long, RunResult> bySeed(String config) {
    Map<Long, RunResult> out = new LinkedHashMap<>();
    for (RunResult r : finished(config)) {
      out.put(r.seed(), r);
    }
    return out;
  }

  private static Map<Long, Double> seedValues(Map<Long, RunResult> runs, ToDoubleFunction<RunResult> column) {
    Map<Long, Double> out = new LinkedHashMap<>();
    runs.forEach((seed, r) -> {
      double v = column.applyAsDouble(r);
      if (!Double.isNaN(v)) {
        out.put(seed, v);
      }
    });
    return out;
  }

  private static List<Double> values(List<RunResult> runs, ToDoubleFunction<RunResult> column) {
    return runs.stream().mapToDouble(column).filter(v -> !Double.isNaN(v)).boxed().toList();
  }

  private static String spread(SeedStatistics s, String column) {
    if (s.n() == 0) {
      return "–";
    }
    String format = column.equals("test bits/dim") ? "%.4f" : column.endsWith("img/s") ? "%.1f" : "%.4g";
    if (column.equals("parameters")) {
      return s.n() > 1 && s.standardDeviation() > 0 ? String.format(Locale.ROOT, "%,.0f ± %,.0f", s.mean(), s.standardDeviation())
          : String.format(Locale.ROOT, "%,.0f", s.mean());
    }
    String mean = String.format(Locale.ROOT, format, s.mean());
    return s.n() == 1 ? mean + " (one seed)" : mean + " ± " + String.format(Locale.ROOT, format, s.standardDeviation());
  }

  private static String difference(SeedStatistics d) {
    if (d.n() == 0) {
      return "–";
    }
    String mean = String.format(Locale.ROOT, "%+.4g", d.mean());
    return d.n() == 1 ? mean + " (one seed)"
        : String.format(Locale.ROOT, "%s [%+.4g, %+.4g]", mean, d.low95(), d.high95());
  }

  private static String join(List<Long> seeds) {
    return seeds.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String number(String format, double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
  }

  private static String csvText(String text) {
    return text.contains(",") || text.contains("\"") || text.contains("\n")
        ? "\"" + text.replace("\"", "\"\"").replace('\n', ' ') + "\"" : text;
  }
}
