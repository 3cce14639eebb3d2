package org.attnflow.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attnflow.api.FlowException;

/** Draws the training curve (train and test bits/dim against steps) from {@code metrics.csv}. */
public final class CurvePlot {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 420;
  private static final int MARGIN = 60;

  private CurvePlot() {}

  /** Reads {@code metrics} and writes the plot to {@code file}. */
  public static void write(Path metrics, Path file) {
    List<double[]> train = new ArrayList<>();
    List<double[]> test = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
        String[] f = line.split(",", -1);
        if (f.length < 3 || !Character.isDigit(f[0].charAt(0))) {
          continue;
        }
        double[] point = {Double.parseDouble(f[0]), Double.parseDouble(f[2])};
        (f[1].equals("test") ? test : train).add(point);
      }
    } catch (IOException | NumberFormatException e) {
      throw new FlowException("cannot read " + metrics + " for the training curve: " + e.getMessage(), e);
    }
    Png.write(render(train, test), file);
  }

  private static BufferedImage render(List<double[]> train, List<double[]> test) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    double maxStep = 1;
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (List<double[]> series : List.of(train, test)) {
      for (double[] p : series) {
        maxStep = Math.max(maxStep, p[0]);
        if (Double.isFinite(p[1])) {
          lo = Math.min(lo, p[1]);
          hi = Math.max(hi, p[1]);
        }
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-6) {
      hi = lo + 1;
    }
    g.setColor(Color.BLACK);
    g.drawRect(MARGIN, MARGIN / 2, WIDTH - MARGIN - 20, HEIGHT - MARGIN - MARGIN / 2);
    g.drawString("bits/dim", 8, MARGIN / 2 - 8);
    g.drawString("step", WIDTH / 2, HEIGHT - 12);
    for (int k = 0; k <= 4; k++) {
      double v = lo + (hi - lo) * k / 4;
      int y = y(v, lo, hi);
      g.drawString(String.format(Locale.ROOT, "%.2f", v), 8, y + 4);
      int x = x(maxStep * k / 4, maxStep);
      g.drawString(String.format(Locale.ROOT, "%.0f", maxStep * k / 4), x - 10, HEIGHT - MARGIN + 18);
    }
    line(g, train, new Color(70, 110, 200), maxStep, lo, hi);
    line(g, test, new Color(220, 80, 40), maxStep, lo, hi);
    g.setColor(new Color(70, 110, 200));
    g.drawString("train (batch)", WIDTH - 220, MARGIN / 2 - 8);
    g.setColor(new Color(220, 80, 40));
    g.drawString("test", WIDTH - 110, MARGIN / 2 - 8);
    g.dispose();
    return img;
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
    return MARGIN + (int) ((WIDTH - MARGIN - 20) * step / maxStep);
  }

  private static int y(double v, double lo, double hi) {
    double clamped = Double.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : hi;
    return HEIGHT - MARGIN - (int) ((HEIGHT - MARGIN - MARGIN / 2) * (clamped - lo) / (hi - lo));
  }
}
