package org.attnflow.data.format;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.Labels;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.DatasetProvider;
import org.attnflow.data.memory.ChunkedPixels;

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
        # per image, as many as images), gzip or raw; null for none. A class-conditional model
        # (model.classes) and `attnflow features train` need them. Set both label files or neither.
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
        # 0 keeps the images' own size. N: place each image in the centre of an N×N image of zeros,
        # as mAR-SCF pads MNIST's 28×28 to 32×32 (pad-to = 32); N must be at least the images' size.
        # Unlike data.pad this changes the dataset itself: `attnflow data` and every command see N×N.
        pad-to = 0
        # 1 keeps IDX's gray channel; 3 repeats it into three equal channels (mAR-SCF's 3×32×32 MNIST).
        # Bits/dim are per dimension: over 3×32×32 = 3,072 dimensions, of which the padding and the
        # repeated channels are predictable, they are not comparable with bits/dim over 1×28×28 = 784.
        channels = 1
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
    Layout layout = Layout.of(settings);
    return new DatasetSplits(layout.apply(split(settings, "train", "train-labels", names), settings),
        layout.apply(split(settings, "test", "test-labels", names), settings));
  }

  /** The pad-to and channels keys: the size and channel count the images are brought to. */
  private record Layout(int side, int channels) {
    static Layout of(Settings settings) {
      int channels = settings.integer("channels");
      if (channels != 1 && channels != 3) {
        throw settings.error("channels", "expected 1 (gray, as stored) or 3 (the gray channel repeated), found " + channels);
      }
      return new Layout(settings.integerAtLeast("pad-to", 0), channels);
    }

    InMemoryImages apply(InMemoryImages images, Settings settings) {
      ImageShape shape = images.shape();
      if (side > 0 && (side < shape.height() || side < shape.width())) {
        throw settings.error("pad-to", "expected 0 or at least the images' size " + shape.height() + "×" + shape.width()
            + " (" + images.source() + "), found " + side);
      }
      if (side == 0) {
        return channels == 1 ? images : images.centred(shape.height(), shape.width(), channels, ChunkedPixels.CHUNK_BYTES);
      }
      return images.centred(side, side, channels, ChunkedPixels.CHUNK_BYTES);
    }
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
    Optional<String> problem = Labels.problemWith(names);
    if (problem.isPresent()) {
      throw settings.error("class-names", problem.get());
    }
    return names;
  }

  private static InMemoryImages split(Settings settings, String imagesKey, String labelsKey, List<String> classNames) {
    Path imagesFile = DatasetPaths.existingFile(settings, imagesKey);
    InMemoryImages images = IdxReader.read(imagesFile, ChunkedPixels.CHUNK_BYTES);
    if (!settings.has(labelsKey)) {
      return images;
    }
    Path labelsFile = DatasetPaths.existingFile(settings, labelsKey);
    return images.withLabels(IdxLabelReader.read(labelsFile, images.size(), imagesFile, classNames));
  }
}
