package org.attnflow.cli.commands;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.attnflow.cli.render.CurvePlot;
import org.attnflow.cli.render.Png;
import org.attnflow.models.Evaluation;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.training.SampleScorer;
import org.attnflow.models.training.TrainingListener;

/**
 * Shows a training run to a person: a live progress bar with bits/dim, images/s and ETA on a
 * terminal (plain log lines otherwise), a line per evaluation and per score, and the pictures of the run
 * directory (sample grids per temperature, the training curve).
 */
public final class ProgressReporter implements TrainingListener {
  private static final int BAR = 28;
  private final PrintStream out;
  private final RunDirectory dir;
  private final boolean terminal;
  private final long logEvery;
  private final String weights;
  private long first;
  private long last;
  private long startNanos;
  private double smoothedBpd = Double.NaN;

  /**
   * Reports to {@code out} on the run in {@code dir}; {@code weights} names the weights that
   * evaluations use ({@code "ema 0.999"} with train.ema-decay, else {@code "raw"}).
   */
  public ProgressReporter(PrintStream out, RunDirectory dir, boolean terminal, long logEvery, String weights) {
    this.out = out;
    this.dir = dir;
    this.terminal = terminal;
    this.logEvery = logEvery;
    this.weights = weights;
  }

  @Override
  public void started(long firstStep, long lastStep, FlowModel model) {
    first = firstStep;
    last = lastStep;
    startNanos = System.nanoTime();
    out.printf(Locale.ROOT, "%s at step %d of %d: %,d parameters, %d layers, run directory %s%n",
        firstStep == 0 ? "training" : "resuming", firstStep, lastStep, model.freeParameterCount(),
        model.layers().size(), dir.root());
  }

  @Override
  public void stepped(long step, double bpd, double imagesPerSecond) {
    smoothedBpd = Double.isNaN(smoothedBpd) ? bpd : 0.9 * smoothedBpd + 0.1 * bpd;
    double perStep = (System.nanoTime() - startNanos) / 1e9 / Math.max(1, step - first);
    String eta = duration(perStep * (last - step));
    if (terminal) {
      int filled = (int) (BAR * step / Math.max(1, last));
      out.printf(Locale.ROOT, "\r[%s%s] %d/%d  %.3f bits/dim  %.0f img/s  ETA %s   ",
          "#".repeat(filled), " ".repeat(BAR - filled), step, last, smoothedBpd, imagesPerSecond, eta);
      out.flush();
    } else if (step % logEvery == 0 || step == last) {
      out.printf(Locale.ROOT, "step %d/%d  train %.3f bits/dim  %.0f img/s  ETA %s%n", step, last, smoothedBpd, imagesPerSecond, eta);
    }
  }

  @Override
  public void scored(long step, SampleScorer.Score score) {
    if (terminal) {
      out.println();
    }
    out.printf(Locale.ROOT, "step %d: %s = %.5g%n", step, score.metric(), score.value());
  }

  @Override
  public void evaluated(long step, Evaluation evaluation, Map<Double, Images> samples) {
    if (terminal) {
      out.println();
    }
    for (Map.Entry<Double, Images> e : samples.entrySet()) {
      Png.grid(e.getValue(), dir.samples().resolve(String.format(Locale.ROOT, "step%07d-t%.2f.png", step, e.getKey())));
    }
    CurvePlot.write(dir.metrics(), dir.curve());
    out.printf(Locale.ROOT, "step %d: test %s; samples at T = %s in %s; weights: %s%n", step, evaluation,
        samples.keySet(), dir.samples(), weights);
  }

  @Override
  public void warned(String message) {
    if (terminal) {
      out.println();
    }
    out.println("warning: " + message);
  }

  private static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
  }
}
