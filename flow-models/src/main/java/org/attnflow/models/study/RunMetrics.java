package org.attnflow.models.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.attnflow.api.FlowException;
import org.attnflow.models.run.MetricsLog;

/**
 * What a study reads from a run's {@code metrics.csv} ({@link MetricsLog}): the evaluation rows and
 * the median training throughput over the logged training rows. Rows are read as
 * {@link MetricsLog#fields} reads them: a row that is not whole (a torn last line) is ignored,
 * and one written before the fd column counts.
 *
 * @param tests step → its evaluation
 * @param medianTrainImagesPerSecond the median of the training rows' images/s (NaN when none)
 */
public record RunMetrics(NavigableMap<Long, TestRow> tests, double medianTrainImagesPerSecond) {

  /**
   * One evaluation row.
   *
   * @param bpd test bits/dim
   * @param ci95 half-width of its 95% interval over images
   */
  public record TestRow(double bpd, double ci95) {}

  /** Reads {@code file}; a missing file has no rows. */
  public static RunMetrics read(Path file) {
    NavigableMap<Long, TestRow> tests = new TreeMap<>();
    List<Double> speeds = new ArrayList<>();
    if (!Files.exists(file)) {
      return new RunMetrics(tests, Double.NaN);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new FlowException("cannot read " + file + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      Optional<String[]> row = MetricsLog.fields(line);
      if (row.isEmpty()) {
        continue;
      }
      String[] f = row.get();
      try {
        if (f[1].equals("test")) {
          tests.put(Long.parseLong(f[0]), new TestRow(Double.parseDouble(f[2]), Double.parseDouble(f[3])));
        } else if (f[1].equals("train") && !f[6].isEmpty()) {
          speeds.add(Double.parseDouble(f[6]));
        }
      } catch (NumberFormatException torn) {
        // a row cut short by a killed writer: the trainer drops it on resume, and so does the study
      }
    }
    return new RunMetrics(tests, median(speeds));
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
