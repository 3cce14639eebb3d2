package org.attnflow.models.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.attnflow.models.run.MetricsLog;
import org.attnflow.models.run.MetricsRow;

/**
 * What a study reads from a run's {@code metrics.csv} ({@link MetricsLog}): the evaluation rows and
 * the median training throughput over the logged training rows. Rows are read by
 * {@link MetricsRow#read}: a row that is not whole (a torn last line) is ignored, and one written
 * before the fd column counts.
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
    return of(MetricsRow.read(file));
  }

  /** The figures of the rows of a metrics.csv. */
  public static RunMetrics of(List<MetricsRow> rows) {
    NavigableMap<Long, TestRow> tests = new TreeMap<>();
    List<Double> speeds = new ArrayList<>();
    for (MetricsRow row : rows) {
      if (row.test()) {
        tests.put(row.step(), new TestRow(row.bpd(), row.ci95()));
      } else if (!Double.isNaN(row.imagesPerSecond())) {
        speeds.add(row.imagesPerSecond());
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
