package org.attnflow.data.format;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.data.DataFormatException;

/**
 * Reads the PNG and JPEG images of a folder: those directly inside it and those in its class
 * subfolders (one level deep), in sorted path order. Hidden files are skipped.
 */
final class ImageFolderReader {
  private ImageFolderReader() {}

  /**
   * Decodes every image of {@code folder} with {@code channels} channels; with {@code size} 0
   * all images must share the size of the first, else each is scaled and cropped to size×size.
   */
  static ImageDataset read(Path folder, int channels, int size) {
    List<Path> files = imagesIn(folder);
    ImageShape shape = null;
    byte[] pixels = null;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      BufferedImage image = ImageConversion.render(ImageConversion.read(file), channels, size);
      if (shape == null) {
        shape = new ImageShape(channels, image.getHeight(), image.getWidth());
        pixels = InMemoryImages.allocate(folder, files.size(), shape);
      } else if (image.getWidth() != shape.width() || image.getHeight() != shape.height()) {
        throw new DataFormatException(file, "image " + i + " of the folder: expected " + shape.width() + "×"
            + shape.height() + " pixels (width×height, the size of " + files.get(0) + "), found "
            + image.getWidth() + "×" + image.getHeight() + "; set size = N to scale and crop every image to N×N");
      }
      ImageConversion.copyChw(image, pixels, i * shape.size());
    }
    return new InMemoryImages(folder.toString(), shape, pixels);
  }

  private static List<Path> imagesIn(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new DataFormatException(folder, "expected a folder of PNG or JPEG images, found "
          + (Files.exists(folder) ? "a file" : "no such folder"));
    }
    List<Path> files;
    try (Stream<Path> paths = Files.walk(folder, 2, FileVisitOption.FOLLOW_LINKS)) {
      files = paths.filter(ImageFolderReader::isImage).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new DataFormatException(folder, "cannot list the folder: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new DataFormatException(folder, "expected PNG or JPEG images (.png, .jpg, .jpeg) in the folder"
          + " or in its class subfolders, found none");
    }
    return files;
  }

  private static boolean isImage(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return !name.startsWith(".")
        && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"))
        && Files.isRegularFile(path);
  }
}
