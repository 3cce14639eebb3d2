package org.attnflow.cli.render;

import java.awt.image.BufferedImage;

/** Renders a matrix of weights as a colour heat map (dark blue → red → yellow), scaled to its own range. */
public final class HeatMap {
  private HeatMap() {}

  /** Renders {@code rows × cols} values (row-major), each cell {@code cell} pixels wide. */
  public static BufferedImage render(float[] values, int rows, int cols, int cell) {
    float lo = Float.MAX_VALUE;
    float hi = -Float.MAX_VALUE;
    for (float v : values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float range = hi - lo > 1e-12f ? hi - lo : 1f;
    BufferedImage img = new BufferedImage(cols * cell, rows * cell, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int rgb = colour((values[i * cols + j] - lo) / range);
        for (int y = 0; y < cell; y++) {
          for (int x = 0; x < cell; x++) {
            img.setRGB(j * cell + x, i * cell + y, rgb);
          }
        }
      }
    }
    return img;
  }

  /** A perceptually ordered ramp for t ∈ [0, 1]. */
  public static int colour(float t) {
    float[][] stops = {{0.05f, 0.03f, 0.3f}, {0.55f, 0.1f, 0.55f}, {0.9f, 0.3f, 0.2f}, {1f, 0.85f, 0.2f}, {1f, 1f, 0.9f}};
    float s = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    int k = Math.min((int) s, stops.length - 2);
    float f = s - k;
    int r = (int) (255 * (stops[k][0] + f * (stops[k + 1][0] - stops[k][0])));
    int g = (int) (255 * (stops[k][1] + f * (stops[k + 1][1] - stops[k][1])));
    int b = (int) (255 * (stops[k][2] + f * (stops[k + 1][2] - stops[k][2])));
    return r << 16 | g << 8 | b;
  }
}
