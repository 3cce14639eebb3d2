package org.attnflow.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attnflow.models.run.MetricsRow;

/**
 * Draws the training curve from {@code metrics.csv}: train and test bits/dim against steps and,
 * when the run scores its samples ({@code train.fid}), the score on an axis of its own at the right.
 */
public final class CurvePlot {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 420;
  private static final int MARGIN = 60;
  /** The space right of the plot, for the score's axis labels. */
  private static final int RIGHT = 56;
  private static final Color TRAIN = new Color(70, 110, 200);
  private static final Color TEST = new Color(220, 80, 40);
  private static final Color SCORE = new Color(40, 150, 70);

  private CurvePlot() {}

  /** Reads {@code metrics} and writes the plot to {@code file}. */
  public static void write(Path metrics, Path file) {
    List<double[]> train = new ArrayList<>();
    List<double[]> test = new ArrayList<>();
    List<double[]> scores = new ArrayList<>();
    for (MetricsRow row : MetricsRow.read(metrics)) {
      (row.test() ? test : train).add(new double[] {row.step(), row.bpd()});
      if (!Double.isNaN(row.fd())) {
        scores.add(new double[] {row.step(), row.fd()});
      }
    }
    Png.write(render(train, test, scores), file);
  }

  private static BufferedImage render(List<double[]> train, List<double[]> test, List<double[]> scores) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double maxStep = 1;
    for (List<double[]> series : List.of(train, test, scores)) {
      for (double[] p : series) {
        maxStep = Math.max(maxStep, p[0]);
      }
    }
    double[] bpd = range(train, test);
    double lo = bpd[0];
    double hi = bpd[1];
    g.setColor(Color.BLACK);
    g.drawRect(MARGIN, MARGIN / 2, WIDTH - MARGIN - RIGHT, HEIGHT - MARGIN - MARGIN / 2);
    g.drawString("bits/dim", 8, MARGIN / 2 - 8);
    g.drawString("step", WIDTH / 2, HEIGHT - 12);
    for (int k = 0; k <= 4; k++) {
      double v = lo + (hi - lo) * k / 4;
      int y = y(v, lo, hi);
      g.drawString(String.format(Locale.ROOT, "%.2f", v), 8, y + 4);
      int x = x(maxStep * k / 4, maxStep);
      g.drawString(String.format(Locale.ROOT, "%.0f", maxStep * k / 4), x - 10, HEIGHT - MARGIN + 18);
    }
    line(g, train, TRAIN, maxStep, lo, hi);
    line(g, test, TEST, maxStep, lo, hi);
    g.setColor(TRAIN);
    g.drawString("train (batch)", WIDTH - 220, MARGIN / 2 - 8);
    g.setColor(TEST);
    g.drawString("test", WIDTH - 110, MARGIN / 2 - 8);
    if (!scores.isEmpty()) {
      double[] fd = range(scores);
      line(g, scores, SCORE, maxStep, fd[0], fd[1]);
      g.setColor(SCORE);
      g.drawString("fd (right axis)", WIDTH - 360, MARGIN / 2 - 8);
      for (int k = 0; k <= 4; k++) {
        double v = fd[0] + (fd[1] - fd[0]) * k / 4;
        g.drawString(String.format(Locale.ROOT, "%.3g", v), WIDTH - RIGHT + 4, y(v, fd[0], fd[1]) + 4);
      }
    }
    g.dispose();
    return img;
  }

  /** The lowest and highest finite value of the series, at least 1e-6 apart ({0, 1} when there is none). */
  @SafeVarargs
  private static double[] range(List<double[]>... series) {
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (List<double[]> s : series) {
      for (double[] p : s) {
        if (Double.isFinite(p[1])) {
          lo = Math.min(lo, p[1]);
          hi = Math.max(hi, p[1]);
        }
      }
    }
    if (lo > hi) {
      return new double[] {0, 1};
    }
    return new double[] {lo, hi - lo < 1e-6 ? lo + 1 : hi};
  }

  private static void line(Graphics2D g, List<double[]> series, Color color, double maxStep, double lo, double hi) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    for (int i = 0; i < series.size(); i++) {
      double[] p = series.get(i);
      int x = x(p[0], maxStep);
      int y = y(p[1], lo, hi);
      if (i > 0) {
        double[] q = series.get(i - 1);
        g.drawLine(x(q[0], maxStep), y(q[1], lo, hi), x, y);
      }
      if (series.size() < 40) {
        g.fillOval(x - 3, y - 3, 6, 6);
      }
    }
  }

  private static int x(double step, double maxStep) {
    return MARGIN + (int) ((WIDTH - MARGIN - RIGHT) * step / maxStep);
  }

  private static int y(double v, double lo, double hi) {
    double clamped = Double.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : hi;
    return HEIGHT - MARGIN - (int) ((HEIGHT - MARGIN - MARGIN / 2) * (clamped - lo) / (hi - lo));
  }
}
