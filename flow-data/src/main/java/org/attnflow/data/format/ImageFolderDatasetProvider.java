package org.attnflow.data.format;

import java.nio.file.Path;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.DatasetProvider;
import org.attnflow.data.memory.ChunkedPixels;

/** The {@code image-folder} dataset: PNG and JPEG files in a training folder and a test folder. */
public final class ImageFolderDatasetProvider extends BasicPlugin<DatasetSplits> implements DatasetProvider {
  /** Declares the {@code image-folder} dataset and its documented keys. */
  public ImageFolderDatasetProvider() {
    super("image-folder", "folders of PNG and JPEG images, optionally centre-cropped to a box, scaled and cropped to a square", """
        # The folder of training images: PNG or JPEG files directly inside it or in class subfolders
        # (one level deep), read in sorted path order. When every image is in a subfolder, the
        # subfolders are the classes (in sorted order of their names) and label their images. A
        # relative path starts at the directory of the configuration file that sets it.
        train = "images/train"
        # The folder of test images, laid out like the training folder; its class subfolders must be
        # classes of the training folder, and keep their labels there.
        test = "images/test"
        # Channels of the decoded images: 1 (gray; colour images become luma) or 3 (RGB; gray
        # images are replicated).
        channels = 3
        # 0: no box. N > 0: first cut each image to its centre N×N pixels (an image smaller than that
        # is a bad file), as CelebA's customary 148-pixel crop of its 178×218 aligned faces.
        crop = 0
        # 0: every image must have the size of the first one (after the crop). N > 0: scale each
        # image so that its shorter side is N, then crop the centre N×N (CelebA 64×64: crop = 148,
        # size = 64).
        size = 0
        """);
  }

  @Override
  public DatasetSplits create(BuildContext context) {
    Settings settings = context.settings();
    int channels = settings.integer("channels");
    if (channels != 1 && channels != 3) {
      throw settings.error("channels", "expected 1 or 3, found " + channels);
    }
    int crop = settings.integerAtLeast("crop", 0);
    int size = settings.integerAtLeast("size", 0);
    int chunk = ChunkedPixels.CHUNK_BYTES;
    InMemoryImages train = ImageFolderReader.read(DatasetPaths.existingFolder(settings, "train"), channels, crop, size, chunk);
    Path testFolder = DatasetPaths.existingFolder(settings, "test");
    return new DatasetSplits(train,
        ImageFolderReader.inClassesOf(ImageFolderReader.read(testFolder, channels, crop, size, chunk), train, testFolder));
  }
}
