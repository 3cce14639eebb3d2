package org.attnflow.cli.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.attnflow.api.FlowException;
import org.attnflow.models.Images;
import org.attnflow.models.run.AtomicFiles;

/** Writes images as PNG grids, atomically. */
public final class Png {
  private static final int GAP = 2;

  private Png() {}

  /** Writes {@code images} as a square-ish grid. */
  public static void grid(Images images, Path file) {
    int columns = (int) Math.ceil(Math.sqrt(images.count()));
    write(render(List.of(images), columns), file);
  }

  /** Writes one row per image set (for example one per temperature), {@code columns} images wide. */
  public static void rows(List<Images> sets, int columns, Path file) {
    write(render(sets, columns), file);
  }

  /** Writes a rendered picture. */
  public static void write(BufferedImage image, Path file) {
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    });
  }

  private static BufferedImage render(List<Images> sets, int columns) {
    Images first = sets.get(0);
    int h = first.shape().height();
    int w = first.shape().width();
    int rows = 0;
    for (Images s : sets) {
      rows += (s.count() + columns - 1) / columns;
    }
    BufferedImage img = new BufferedImage(GAP + columns * (w + GAP), GAP + rows * (h + GAP), BufferedImage.TYPE_INT_RGB);
    int row = 0;
    for (Images s : sets) {
      if (s.shape().channels() != 1 && s.shape().channels() != 3) {
        throw new FlowException("cannot draw images with " + s.shape().channels() + " channels (1 or 3 expected)");
      }
      for (int n = 0; n < s.count(); n++) {
        int x0 = GAP + (n % columns) * (w + GAP);
        int y0 = GAP + (row + n / columns) * (h + GAP);
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < w; j++) {
            img.setRGB(x0 + j, y0 + i, rgb(s, n, i, j));
          }
        }
      }
      row += (s.count() + columns - 1) / columns;
    }
    return img;
  }

  private static int rgb(Images s, int n, int i, int j) {
    if (s.shape().channels() == 1) {
      int v = s.pixel(n, 0, i, j);
      return v << 16 | v << 8 | v;
    }
    return s.pixel(n, 0, i, j) << 16 | s.pixel(n, 1, i, j) << 8 | s.pixel(n, 2, i, j);
  }
}
