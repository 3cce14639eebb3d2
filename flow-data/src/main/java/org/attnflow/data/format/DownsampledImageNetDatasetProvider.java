package org.attnflow.data.format;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.DatasetProvider;
import org.attnflow.data.memory.ChunkedPixels;

/**
 * The {@code downsampled-imagenet} dataset: the {@code .npz} batches of ImageNet 32×32 or 64×64
 * (Imagenet32/Imagenet64 of Chrabaszcz et al. 2017), labelled with the 1,000 classes.
 */
public final class DownsampledImageNetDatasetProvider extends BasicPlugin<DatasetSplits> implements DatasetProvider {
  /** Declares the {@code downsampled-imagenet} dataset and its documented keys. */
  public DownsampledImageNetDatasetProvider() {
    super("downsampled-imagenet", "downsampled ImageNet .npz batches (Imagenet32, Imagenet64), 3×S×S, 1,000 classes", """
        # The folder holding the batches, as unpacked from the npz archives of Imagenet32 (or
        # Imagenet64): train_data_batch_1.npz … train_data_batch_10.npz and val_data.npz. A relative
        # path starts at the directory of the configuration file that sets it.
        dir = "Imagenet32"
        # The side of the images: 32 or 64 (any S whose rows hold 3·S·S pixels is read).
        size = 32
        # The training batches, in order, inside dir: all ten, 1,281,167 images. Held in memory they
        # take 3·S·S bytes per image, 3.9 GB at 32×32 and 15.7 GB at 64×64; a split that does not fit
        # the Java heap is refused before it is read (raise -Xmx, or list fewer batches).
        train = ["train_data_batch_1.npz", "train_data_batch_2.npz", "train_data_batch_3.npz",
          "train_data_batch_4.npz", "train_data_batch_5.npz", "train_data_batch_6.npz",
          "train_data_batch_7.npz", "train_data_batch_8.npz", "train_data_batch_9.npz",
          "train_data_batch_10.npz"]
        # The test batch inside dir: the 50,000 validation images.
        test = "val_data.npz"
        """);
  }

  @Override
  public DatasetSplits create(BuildContext context) {
    Settings settings = context.settings();
    Path dir = DatasetPaths.existingFolder(settings, "dir");
    int size = settings.integerAtLeast("size", 1);
    List<String> trainNames = settings.strings("train");
    if (trainNames.isEmpty()) {
      throw settings.error("train", "expected at least one training batch, found none");
    }
    List<Path> train = new ArrayList<>();
    for (String name : trainNames) {
      train.add(batch(settings, "train", dir, name));
    }
    Path test = batch(settings, "test", dir, settings.string("test"));
    return new DatasetSplits(
        DownsampledImageNetReader.read(trainSource(dir, trainNames), train, size, ChunkedPixels.CHUNK_BYTES),
        DownsampledImageNetReader.read(test.toString(), List.of(test), size, ChunkedPixels.CHUNK_BYTES));
  }

  /** The training batches as one name: the file itself, or {@code dir/{a.npz,b.npz}} for several. */
  private static String trainSource(Path dir, List<String> names) {
    return dir.resolve(names.size() == 1 ? names.get(0) : "{" + String.join(",", names) + "}").toString();
  }

  private static Path batch(Settings settings, String key, Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw settings.error(key, "expected the batch " + name + " in " + dir + ", found no file " + file);
    }
    return file;
  }
}
