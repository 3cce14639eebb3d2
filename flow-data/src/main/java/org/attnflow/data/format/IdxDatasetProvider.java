package org.attnflow.data.format;

import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.DatasetProvider;

/** The {@code idx} dataset: IDX image files such as MNIST and Fashion-MNIST, gzip-compressed or raw. */
public final class IdxDatasetProvider extends BasicPlugin<DatasetSplits> implements DatasetProvider {
  /** Declares the {@code idx} dataset and its documented keys. */
  public IdxDatasetProvider() {
    super("idx", "IDX image files (MNIST, Fashion-MNIST), gzip-compressed or raw", """
        # The training images: an IDX file of unsigned-byte images (magic 0x00000803), gzip or raw.
        # A relative path starts at the directory of the configuration file that sets it.
        train = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
        # The test images, in the same format and of the same size as the training images.
        test = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        """);
  }

  @Override
  public DatasetSplits create(BuildContext context) {
    Settings settings = context.settings();
    return new DatasetSplits(
        IdxReader.read(DatasetPaths.existingFile(settings, "train")),
        IdxReader.read(DatasetPaths.existingFile(settings, "test")));
  }
}
