package org.attnflow.cli.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.attnflow.models.run.MetricsRow;

/** The curves of a run's metrics: one column of its training or evaluation rows against step or wall time. */
final class Curves {
  private Curves() {}

  /** {@code value} of the training rows ({@code test} false) or evaluation rows against the step. */
  static List<double[]> byStep(List<MetricsRow> rows, boolean test, ToDoubleFunction<MetricsRow> value) {
    List<double[]> points = new ArrayList<>();
    for (MetricsRow row : rows) {
      if (row.test() == test) {
        points.add(new double[] {row.step(), value.applyAsDouble(row)});
      }
    }
    return points;
  }

  /**
   * Bits/dim of the training rows ({@code test} false) or evaluation rows against the minutes
   * trained. A row's {@code elapsed_s} counts from the start of the process that wrote it, so it
   * falls back when a run resumes: the minutes add up the time of every stretch.
   */
  static List<double[]> bpdByMinutes(List<MetricsRow> rows, boolean test) {
    List<double[]> points = new ArrayList<>();
    double before = 0;
    double previous = 0;
    for (MetricsRow row : rows) {
      double elapsed = row.elapsedSeconds();
      if (Double.isNaN(elapsed)) {
        continue;
      }
      if (elapsed < previous) {
        before += previous;
      }
      previous = elapsed;
      if (row.test() == test) {
        points.add(new double[] {(before + elapsed) / 60, row.bpd()});
      }
    }
    return points;
  }
}
