package org.attnflow.cli.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn on the server as inline SVG: one polyline per series over shared axes with
 * round tick values, dots on series short enough to hover (each dot's tooltip gives its values),
 * and a legend below. A series' polyline has one point per finite value it was given; its colour
 * and line pattern are chosen by the caller, so that runs of one configuration can share a colour.
 */
final class SvgChart {
  private static final int WIDTH = 560;
  private static final int HEIGHT = 260;
  private static final int LEFT = 62;
  private static final int RIGHT = 14;
  private static final int TOP = 12;
  private static final int BOTTOM = 38;
  private static final int TICKS = 6;
  /** Series with at most this many points get a dot with a tooltip per point. */
  private static final int DOTS = 120;
  private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1",
      "#edc948", "#9c755f", "#ff9da7", "#bab0ac"};
  private static final String[] DASHES = {"", " stroke-dasharray=\"6 3\"", " stroke-dasharray=\"2 2\"", " stroke-dasharray=\"8 3 2 3\""};

  /**
   * One curve.
   *
   * @param name its name in the legend
   * @param points its (x, y) points in x order; non-finite ones are left out
   * @param colour which colour of the palette it is drawn in (the palette repeats)
   * @param dash which line pattern it is drawn with: 0 is solid, then dashes and dots (they repeat)
   */
  record Series(String name, List<double[]> points, int colour, int dash) {
    /** A solid curve in the {@code colour}th colour. */
    Series(String name, List<double[]> points, int colour) {
      this(name, points, colour, 0);
    }

    /** Its finite points. */
    List<double[]> finite() {
      return points.stream().filter(p -> Double.isFinite(p[0]) && Double.isFinite(p[1])).toList();
    }
  }

  private SvgChart() {}

  private static String colour(Series series) {
    return PALETTE[series.colour() % PALETTE.length];
  }

  private static String dash(Series series) {
    return DASHES[series.dash() % DASHES.length];
  }

  /**
   * The chart as an HTML {@code figure}: {@code id} names it for scripts and tests, {@code title}
   * heads it, and the axes are labelled {@code xLabel} and {@code yLabel}. Series without a finite
   * point are left out; a chart with none says so.
   */
  static String render(String id, String title, String xLabel, String yLabel, List<Series> series) {
    StringBuilder html = new StringBuilder();
    html.append("<figure class=\"chart\" id=\"").append(Html.escape(id)).append("\"><figcaption>")
        .append(Html.escape(title)).append("</figcaption>");
    List<double[]> all = new ArrayList<>();
    series.forEach(s -> all.addAll(s.finite()));
    if (all.isEmpty()) {
      return html.append("<p class=\"empty\">no data yet</p></figure>").toString();
    }
    double[] xs = niceRange(all.stream().mapToDouble(p -> p[0]).min().orElseThrow(), all.stream().mapToDouble(p -> p[0]).max().orElseThrow());
    double[] ys = niceRange(all.stream().mapToDouble(p -> p[1]).min().orElseThrow(), all.stream().mapToDouble(p -> p[1]).max().orElseThrow());
    html.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", WIDTH, HEIGHT, Html.escape(title)));
    axes(html, xs, ys, xLabel, yLabel);
    series.forEach(s -> curve(html, s, xs, ys));
    html.append("</svg><ul class=\"legend\">");
    for (Series s : series) {
      html.append(String.format(Locale.ROOT, "<li><svg class=\"swatch\" viewBox=\"0 0 18 6\"><line x1=\"0\" y1=\"3\" x2=\"18\" y2=\"3\" "
          + "stroke=\"%s\" stroke-width=\"3\"%s/></svg>%s</li>", colour(s), dash(s), Html.escape(s.name())));
    }
    return html.append("</ul></figure>").toString();
  }

  private static void axes(StringBuilder svg, double[] xs, double[] ys, String xLabel, String yLabel) {
    svg.append(String.format(Locale.ROOT, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
        LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
    for (long k = 0; k <= Math.round((xs[1] - xs[0]) / xs[2]); k++) {
      double x = xs[0] + k * xs[2];
      svg.append(String.format(Locale.ROOT, "<line class=\"gridline\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", px(x, xs), TOP, px(x, xs), HEIGHT - BOTTOM));
      svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
          px(x, xs), HEIGHT - BOTTOM + 14, label(x, xs)));
    }
    for (long k = 0; k <= Math.round((ys[1] - ys[0]) / ys[2]); k++) {
      double y = ys[0] + k * ys[2];
      svg.append(String.format(Locale.ROOT, "<line class=\"gridline\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, py(y, ys), WIDTH - RIGHT, py(y, ys)));
      svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
          LEFT - 5, py(y, ys) + 4, label(y, ys)));
    }
    svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
        LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 6, Html.escape(xLabel)));
    svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"12\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">%s</text>",
        TOP + (HEIGHT - TOP - BOTTOM) / 2, TOP + (HEIGHT - TOP - BOTTOM) / 2, Html.escape(yLabel)));
  }

  private static void curve(StringBuilder svg, Series series, double[] xs, double[] ys) {
    List<double[]> points = series.finite();
    StringBuilder coordinates = new StringBuilder();
    for (double[] p : points) {
      coordinates.append(coordinates.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", px(p[0], xs), py(p[1], ys)));
    }
    svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-series=\"%s\" data-count=\"%d\" fill=\"none\" "
        + "stroke=\"%s\" stroke-width=\"1.6\"%s points=\"%s\"/>", Html.escape(series.name()), points.size(), colour(series), dash(series), coordinates));
    if (points.size() <= DOTS) {
      for (double[] p : points) {
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.4\" fill=\"%s\"><title>%s: %s, %s</title></circle>",
            px(p[0], xs), py(p[1], ys), colour(series), Html.escape(series.name()), value(p[0]), value(p[1])));
      }
    }
  }

  /**
   * Round bounds around [lo, hi] and the spacing of their ticks: a multiple of 1, 2 or 5 times a
   * power of ten, the smallest that needs at most {@value #TICKS} intervals.
   */
  static double[] niceRange(double lo, double hi) {
    if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
      double pad = lo == 0 ? 1 : Math.abs(lo) * 0.05;
      lo -= pad;
      hi += pad;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10((hi - lo) / TICKS)));
    for (double multiple : new double[] {1, 2, 5, 10, 20, 50}) {
      double step = multiple * magnitude;
      double start = Math.floor(lo / step) * step;
      double end = Math.ceil(hi / step) * step;
      if (Math.round((end - start) / step) <= TICKS) {
        return new double[] {start, end, step};
      }
    }
    throw new IllegalStateException("no tick spacing for [" + lo + ", " + hi + "]");
  }

  private static double px(double x, double[] xs) {
    return LEFT + (WIDTH - LEFT - RIGHT) * (x - xs[0]) / (xs[1] - xs[0]);
  }

  private static double py(double y, double[] ys) {
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (y - ys[0]) / (ys[1] - ys[0]);
  }

  /**
   * A tick value with the digits its axis's spacing needs: in scientific notation on an axis whose
   * largest value is below 0.01 or from 100,000 up, else with decimals.
   */
  private static String label(double v, double[] range) {
    double largest = Math.max(Math.abs(range[0]), Math.abs(range[1]));
    double spacing = Math.floor(Math.log10(range[2]) + 1e-9);
    if (largest < 1e-2 || largest >= 1e5) {
      int digits = (int) Math.max(0, Math.floor(Math.log10(largest) + 1e-9) - spacing);
      return String.format(Locale.ROOT, "%." + digits + "e", v);
    }
    return String.format(Locale.ROOT, "%." + (int) Math.max(0, -spacing) + "f", v);
  }

  private static String value(double v) {
    return String.format(Locale.ROOT, "%.5g", v);
  }
}
