package org.attnflow.models.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.FlowException;

/**
 * One whole row of a run's {@code metrics.csv} ({@link MetricsLog}), its numbers parsed; an empty
 * cell is NaN. Training rows have no interval, evaluation rows no learning rate, gradient norm or
 * throughput, and only evaluations that scored their samples have {@code fd}.
 *
 * @param step training steps done
 * @param test whether it is an evaluation row (else a training row)
 * @param bpd bits/dim: of the training batch, or on the test images
 * @param ci95 half-width of the test bits/dim's 95% interval
 * @param learningRate the learning rate of the step
 * @param gradNorm the gradient norm before clipping
 * @param imagesPerSecond training throughput of the step
 * @param elapsedSeconds wall time since the run (or its last resumption) started
 * @param fd the score of the evaluation's samples
 */
public record MetricsRow(long step, boolean test, double bpd, double ci95, double learningRate, double gradNorm,
    double imagesPerSecond, double elapsedSeconds, double fd) {

  /**
   * The whole rows of {@code file}, in order. A line not yet ended by a newline (a row being
   * written, or torn by a killed writer) and a row that is not whole are left out; a missing file
   * has no rows.
   */
  public static List<MetricsRow> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException gone) {
      return List.of();
    } catch (IOException e) {
      throw new FlowException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<MetricsRow> rows = new ArrayList<>();
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      parse(line).ifPresent(rows::add);
    }
    return rows;
  }

  /** The row of {@code line}; empty for the header and for a line that is not a whole row. */
  static Optional<MetricsRow> parse(String line) {
    Optional<String[]> fields = MetricsLog.fields(line);
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    String[] f = fields.get();
    try {
      return Optional.of(new MetricsRow(Long.parseLong(f[0]), f[1].equals("test"), number(f[2]), number(f[3]),
          number(f[4]), number(f[5]), number(f[6]), number(f[7]), number(f[8])));
    } catch (NumberFormatException torn) {
      return Optional.empty();
    }
  }

  private static double number(String cell) {
    return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
  }
}
