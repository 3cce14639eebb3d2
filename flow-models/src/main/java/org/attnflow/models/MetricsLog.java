package org.attnflow.models;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attnflow.api.FlowException;

/**
 * The run's {@code metrics.csv}: one row per logged training step and per evaluation. Rows are
 * appended and flushed as they come; when a run resumes, rows after its checkpoint are dropped so
 * the table stays one trajectory.
 */
public final class MetricsLog implements AutoCloseable {
  /** The header line. */
  public static final String HEADER = "step,phase,bpd,bpd_ci95,learning_rate,grad_norm,images_per_s,elapsed_s";

  private final Path file;
  private final BufferedWriter out;

  /** Opens the log, keeping only rows up to {@code keepUpToStep} (all rows are dropped when it is 0). */
  public MetricsLog(Path file, long keepUpToStep) {
    this.file = file;
    try {
      List<String> kept = new ArrayList<>();
      kept.add(HEADER);
      if (keepUpToStep > 0 && Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isEmpty() && Character.isDigit(line.charAt(0))
              && Long.parseLong(line.substring(0, line.indexOf(','))) <= keepUpToStep) {
            kept.add(line);
          }
        }
      }
      AtomicFiles.writeString(file, String.join("\n", kept) + "\n");
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new FlowException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** Appends a training row. */
  public void train(long step, double bpd, double lr, double gradNorm, double imagesPerSecond, double elapsed) {
    row(String.format(Locale.ROOT, "%d,train,%.6f,,%.6g,%.6g,%.2f,%.1f", step, bpd, lr, gradNorm, imagesPerSecond, elapsed));
  }

  /** Appends an evaluation row. */
  public void test(long step, Evaluation e, double elapsed) {
    row(String.format(Locale.ROOT, "%d,test,%.6f,%.6f,,,,%.1f", step, e.bpd(), e.ci95(), elapsed));
  }

  /** The file written. */
  public Path file() {
    return file;
  }

  private void row(String line) {
    try {
      out.write(line);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new FlowException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new FlowException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }
}
