package org.attnflow.data.format;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.attnflow.data.DataFormatException;

/**
 * Decodes PNG and JPEG files and brings them to a common form: gray (1 channel, luma from RGB)
 * or RGB (3 channels, gray replicated), optionally cut to a centre crop×crop box, optionally
 * scaled so the shorter side is {@code size} and centre-cropped to size×size, then laid out as
 * C, H, W bytes.
 */
final class ImageConversion {
  private ImageConversion() {}

  /** Decodes an image file, failing with the file name when it is not a readable PNG or JPEG. */
  static BufferedImage read(Path file) {
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(file, "cannot decode the image: " + e.getMessage(), e);
    }
    if (image == null) {
      throw new DataFormatException(file, "cannot decode the image: expected a PNG or JPEG file, found no format that reads it");
    }
    return image;
  }

  /**
   * Renders {@code image} with {@code channels} (1 or 3) channels: first cut to its centre
   * {@code crop}×{@code crop} pixels when crop > 0 (an image smaller than that fails), then at
   * that size when {@code size} is 0, else with its shorter side scaled to {@code size} and
   * centre-cropped to size×size. Large reductions halve the image first so that every source
   * pixel contributes.
   */
  static BufferedImage render(BufferedImage original, int channels, int crop, int size) {
    BufferedImage image = crop == 0 ? original : centre(original, crop);
    int type = channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
    if (size == 0) {
      return draw(image, type, image.getWidth(), image.getHeight(), 0, 0, image.getWidth(), image.getHeight());
    }
    BufferedImage source = image;
    while (Math.min(source.getWidth(), source.getHeight()) >= 2 * size) {
      int w = source.getWidth() / 2;
      int h = source.getHeight() / 2;
      source = draw(source, type, w, h, 0, 0, w, h);
    }
    double scale = (double) size / Math.min(source.getWidth(), source.getHeight());
    int w = Math.max(size, (int) Math.round(source.getWidth() * scale));
    int h = Math.max(size, (int) Math.round(source.getHeight() * scale));
    return draw(source, type, size, size, (size - w) / 2, (size - h) / 2, w, h);
  }

  /** The centre crop×crop pixels of {@code image}; with an odd margin the extra column or row is left at the right or bottom. */
  private static BufferedImage centre(BufferedImage image, int crop) {
    if (image.getWidth() < crop || image.getHeight() < crop) {
      throw new IllegalArgumentException("the image is " + image.getWidth() + "×" + image.getHeight()
          + " pixels, smaller than the crop box " + crop + "×" + crop);
    }
    return image.getSubimage((image.getWidth() - crop) / 2, (image.getHeight() - crop) / 2, crop, crop);
  }

  /** Copies an image made by {@link #render} into {@code target} as C, H, W planes. */
  static void copyChw(BufferedImage image, byte[] target, int offset) {
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      System.arraycopy(data, 0, target, offset, data.length);
      return;
    }
    int plane = image.getWidth() * image.getHeight();
    for (int p = 0, bgr = 0; p < plane; p++, bgr += 3) {
      target[offset + p] = data[bgr + 2];
      target[offset + plane + p] = data[bgr + 1];
      target[offset + 2 * plane + p] = data[bgr];
    }
  }

  private static BufferedImage draw(BufferedImage source, int type, int width, int height, int x, int y, int w, int h) {
    BufferedImage target = new BufferedImage(width, height, type);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(source, x, y, w, h, null);
    } finally {
      g.dispose();
    }
    return target;
  }
}
