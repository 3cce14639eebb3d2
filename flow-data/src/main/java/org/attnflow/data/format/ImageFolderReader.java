package org.attnflow.data.format;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.UnreadableFilesException;
import org.attnflow.data.memory.ChunkedPixels;

/**
 * Reads the PNG and JPEG images of a folder: those directly inside it and those in its class
 * subfolders (one level deep), in sorted path order. Hidden files are skipped. When every image
 * lies in a subfolder, the images are labelled by it: the classes are the subfolders' names in
 * sorted order.
 */
final class ImageFolderReader {
  private ImageFolderReader() {}

  /**
   * Decodes every image of {@code folder} with {@code channels} channels, cut to its centre
   * {@code crop}×{@code crop} first when crop > 0; with {@code size} 0 all images must share the
   * size of the first, else each is scaled and cropped to size×size. Every file that cannot be
   * read is collected, and reported together once all have been tried. The pixels come in chunks
   * of at most {@code chunkBytes}.
   */
  static InMemoryImages read(Path folder, int channels, int crop, int size, int chunkBytes) {
    List<Path> files = imagesIn(folder);
    List<UnreadableFilesException.BadFile> bad = new ArrayList<>();
    ImageShape shape = null;
    Path first = null;
    ChunkedPixels pixels = null;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      BufferedImage image;
      try {
        image = ImageConversion.render(ImageConversion.read(file), channels, crop, size);
      } catch (DataFormatException e) {
        bad.add(new UnreadableFilesException.BadFile(file, e.problem()));
        continue;
      } catch (IllegalArgumentException e) {
        bad.add(new UnreadableFilesException.BadFile(file, e.getMessage()));
        continue;
      }
      if (shape == null) {
        shape = new ImageShape(channels, image.getHeight(), image.getWidth());
        first = file;
        pixels = ChunkedPixels.allocate(folder.toString(), files.size(), shape, chunkBytes, "");
      } else if (image.getWidth() != shape.width() || image.getHeight() != shape.height()) {
        bad.add(new UnreadableFilesException.BadFile(file, "expected " + shape.width() + "×" + shape.height()
            + " pixels (width×height, the size of " + first.getFileName() + "), found " + image.getWidth() + "×"
            + image.getHeight() + "; set size = N to scale and crop every image to N×N"));
        continue;
      }
      ImageConversion.copyChw(image, pixels.array(i), pixels.offset(i));
    }
    if (!bad.isEmpty()) {
      throw new UnreadableFilesException(folder, files.size(), bad);
    }
    InMemoryImages images = new InMemoryImages(folder.toString(), pixels);
    return files.stream().allMatch(f -> !f.getParent().equals(folder)) ? images.withLabels(classesOf(files)) : images;
  }

  /**
   * {@code test} labelled with the class indices of {@code train}, so that a class name means the
   * same label in both; unchanged unless both are labelled. Every test class must be a training class.
   */
  static InMemoryImages inClassesOf(InMemoryImages test, ImageDataset train, Path testFolder) {
    if (test.labels().isEmpty() || train.labels().isEmpty()) {
      return test;
    }
    List<String> trainNames = train.labels().get().names();
    Labels own = test.labels().get();
    int[] values = new int[own.count()];
    for (int i = 0; i < values.length; i++) {
      String name = own.names().get(own.values()[i]);
      values[i] = trainNames.indexOf(name);
      if (values[i] < 0) {
        throw new DataFormatException(testFolder.resolve(name), "the class subfolder " + name
            + " is not a class of the training folder " + train.source() + ", whose classes are " + trainNames);
      }
    }
    return test.withLabels(new Labels(values, trainNames));
  }

  /** The label of every file by its subfolder, the classes being the subfolder names in sorted order. */
  private static Labels classesOf(List<Path> files) {
    List<String> names = files.stream().map(f -> f.getParent().getFileName().toString()).distinct().sorted().toList();
    return new Labels(files.stream().mapToInt(f -> names.indexOf(f.getParent().getFileName().toString())).toArray(), names);
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
