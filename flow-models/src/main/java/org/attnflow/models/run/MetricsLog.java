package org.attnflow.models.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.attnflow.api.FlowException;
import org.attnflow.models.Evaluation;

/**
 * The run's {@code metrics.csv}: one row per logged training step and per evaluation. Rows are
 * appended and flushed as they come; when a run resumes, rows after its checkpoint are dropped so
 * the table stays one trajectory, and so is a row torn by a killed writer.
 */
public final class MetricsLog implements AutoCloseable {
  /** The header line. */
  public static final String HEADER = "step,phase,bpd,bpd_ci95,learning_rate,grad_norm,images_per_s,elapsed_s";

  private static final int COLUMNS = HEADER.split(",").length;

  private final Path file;
  private final BufferedWriter out;
  private final Set<Long> testSteps = new HashSet<>();

  /**
   * Opens the log, keeping only the complete rows up to {@code keepUpToStep}, one per step and
   * phase (all rows are dropped when it is 0).
   */
  public MetricsLog(Path file, long keepUpToStep) {
    this.file = file;
    try {
      List<String> kept = new ArrayList<>();
      kept.add(HEADER);
      Set<String> seen = new HashSet<>();
      if (keepUpToStep > 0 && Files.exists(file)) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
          String[] fields = line.split(",", -1);
          if (fields.length == COLUMNS && fields[0].matches("\\d{1,18}") && Long.parseLong(fields[0]) <= keepUpToStep
              && (fields[1].equals("train") || fields[1].equals("test")) && seen.add(fields[0] + "," + fields[1])) {
            kept.add(line);
            if (fields[1].equals("test")) {
              testSteps.add(Long.parseLong(fields[0]));
            }
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

  /** Whether the log holds an evaluation row of {@code step}. */
  public boolean hasTest(long step) {
    return testSteps.contains(step);
  }

  /** Appends an evaluation row. */
  public void test(long step, Evaluation e, double elapsed) {
    testSteps.add(step);
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
