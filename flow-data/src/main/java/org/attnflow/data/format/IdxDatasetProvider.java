package org.attnflow.data.format;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.Labels;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.DatasetProvider;

/** The {@code idx} dataset: IDX image files such as MNIST and Fashion-MNIST, and optionally their label files, gzip-compressed or raw. */
public final class IdxDatasetProvider extends BasicPlugin<DatasetSplits> implements DatasetProvider {
  /** Declares the {@code idx} dataset and its documented keys. */
  public IdxDatasetProvider() {
    super("idx", "IDX image files (MNIST, Fashion-MNIST), gzip-compressed or raw", """
        # The training images: an IDX file of unsigned-byte images (magic 0x00000803), gzip or raw.
        # A relative path starts at the directory of the configuration file that sets it.
        train = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
        # The test images, in the same format and of the same size as the training images.
        test = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        # The labels of the training images: an IDX label file (magic 0x00000801, one unsigned byte
        # per image, as many as images), gzip or raw; null for none. The flows do not use labels;
        # `attnflow features train` does. Set both label files or neither.
        # Fashion-MNIST's: "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"
        train-labels = null
        # The labels of the test images, likewise.
        test-labels = null
        # The number of classes: every label must be 0 to classes − 1.
        classes = 10
        # The class names in label order (as many as classes), or null to name them 0 to classes − 1.
        # Fashion-MNIST's: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        # "Sneaker", "Bag", "Ankle boot"]
        class-names = null
        """);
  }

  @Override
  public DatasetSplits create(BuildContext context) {
    Settings settings = context.settings();
    List<String> names = classNames(settings);
    if (settings.has("train-labels") != settings.has("test-labels")) {
      String missing = settings.has("train-labels") ? "test-labels" : "train-labels";
      throw settings.error(missing, "expected a label file: train-labels and test-labels are set together or not at all");
    }
    return new DatasetSplits(split(settings, "train", "train-labels", names), split(settings, "test", "test-labels", names));
  }

  private static List<String> classNames(Settings settings) {
    int classes = settings.integerAtLeast("classes", 1);
    if (!settings.has("class-names")) {
      return Labels.numbered(classes);
    }
    List<String> names = settings.strings("class-names");
    if (names.size() != classes) {
      throw settings.error("class-names", "expected " + classes + " names, one per class (the classes key), found " + names.size());
    }
    if (new HashSet<>(names).size() != classes || names.stream().anyMatch(String::isBlank)) {
      throw settings.error("class-names", "expected distinct, non-blank names, found " + names);
    }
    return names;
  }

  private static InMemoryImages split(Settings settings, String imagesKey, String labelsKey, List<String> classNames) {
    Path imagesFile = DatasetPaths.existingFile(settings, imagesKey);
    InMemoryImages images = IdxReader.read(imagesFile);
    if (!settings.has(labelsKey)) {
      return images;
    }
    Path labelsFile = DatasetPaths.existingFile(settings, labelsKey);
    return images.withLabels(IdxLabelReader.read(labelsFile, images.size(), imagesFile, classNames));
  }
}
