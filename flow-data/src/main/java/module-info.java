/**
 * Datasets and the data pipeline of AttnFlow: readers for IDX (MNIST, Fashion-MNIST), CIFAR-10
 * binary batches, folders of PNG/JPEG images (CelebA) and the .npz batches of downsampled
 * ImageNet, and the batching that pads, augments and dequantises images on a background thread.
 */
module org.attnflow.data {
  requires transitive org.attnflow.api;
  requires java.desktop;

  exports org.attnflow.data;

  provides org.attnflow.api.spi.DatasetProvider with
      org.attnflow.data.format.IdxDatasetProvider,
      org.attnflow.data.format.Cifar10DatasetProvider,
      org.attnflow.data.format.ImageFolderDatasetProvider,
      org.attnflow.data.format.DownsampledImageNetDatasetProvider;
}
