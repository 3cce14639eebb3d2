package org.attnflow.models.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.attnflow.api.FlowException;
import org.attnflow.models.Evaluation;

/**
 * The run's {@code metrics.csv}: one row per logged training step and per evaluation. Rows are
 * appended and flushed as they come; when a run resumes, rows after its checkpoint are dropped so
 * the table stays one trajectory, and so is a row torn by a killed writer. The last column,
 * {@code fd}, holds an evaluation's score of samples ({@code train.fid}) and is empty elsewhere;
 * the rows of a file written before it existed are kept on resume, with it empty.
 */
public final class MetricsLog implements AutoCloseable {
  /** The header line. */
  public static final String HEADER = "step,phase,bpd,bpd_ci95,learning_rate,grad_norm,images_per_s,elapsed_s,fd";

  private static final int COLUMNS = HEADER.split(",").length;
  /** The columns of a file written before the fd column. */
  private static final int COLUMNS_WITHOUT_FD = COLUMNS - 1;

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
          Optional<String[]> row = fields(line);
          if (row.isEmpty()) {
            continue;
          }
          String[] fields = row.get();
          if (Long.parseLong(fields[0]) <= keepUpToStep && seen.add(fields[0] + "," + fields[1])) {
            kept.add(String.join(",", fields));
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

  /**
   * The fields of a row of a metrics.csv, in the columns of {@link #HEADER}: a row written before
   * the fd column gets it empty. Empty for the header and for a row that is not a whole training
   * or evaluation row (a torn last line).
   */
  public static Optional<String[]> fields(String line) {
    String[] fields = line.split(",", -1);
    if (fields.length == COLUMNS_WITHOUT_FD) {
      fields = Arrays.copyOf(fields, COLUMNS);
      fields[COLUMNS - 1] = "";
    }
    boolean whole = fields.length == COLUMNS && fields[0].matches("\\d{1,18}")
        && (fields[1].equals("train") || fields[1].equals("test"));
    return whole ? Optional.of(fields) : Optional.empty();
  }

  /** Appends a training row. */
  public void train(long step, double bpd, double lr, double gradNorm, double imagesPerSecond, double elapsed) {
    row(String.format(Locale.ROOT, "%d,train,%.6f,,%.6g,%.6g,%.2f,%.1f,", step, bpd, lr, gradNorm, imagesPerSecond, elapsed));
  }

  /** Whether the log holds an evaluation row of {@code step}. */
  public boolean hasTest(long step) {
    return testSteps.contains(step);
  }

  /** Appends an evaluation row with the score {@code fd} of its samples (NaN when none: the cell stays empty). */
  public void test(long step, Evaluation e, double fd, double elapsed) {
    testSteps.add(step);
    String score = Double.isNaN(fd) ? "" : String.format(Locale.ROOT, "%.6g", fd);
    row(String.format(Locale.ROOT, "%d,test,%.6f,%.6f,,,,%.1f,%s", step, e.bpd(), e.ci95(), elapsed, score));
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
