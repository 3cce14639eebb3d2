package org.attnflow.data;

import java.nio.file.Path;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.ImageDataset;
import org.attnflow.api.data.Labels;
import org.attnflow.api.registry.Registry;
import org.attnflow.data.pipeline.PaddedImages;

/**
 * Every image of one split of a run's dataset, zero-padded as the run's pipeline pads them but
 * neither dequantised nor augmented: 8-bit pixels of the shape the model generates, the real
 * images its samples are compared with, and a feature classifier is trained on (with their
 * labels). {@code data.train-limit} does not apply: a reference is the whole split.
 */
public final class DatasetImages {
  /** The most bytes one Java array holds on common JVMs. */
  private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
  private final String split;
  private final String source;
  private final int pad;
  private final PaddedImages images;
  private final Optional<Labels> labels;

  private DatasetImages(String split, String source, int pad, PaddedImages images, Optional<Labels> labels) {
    this.split = split;
    this.source = source;
    this.pad = pad;
    this.images = images;
    this.labels = labels;
  }

  /** Both splits of a dataset, opened at once. */
  public record Splits(DatasetImages train, DatasetImages test) {}

  /** Opens split {@code split} ("train" or "test") of the dataset of the run's resolved {@code data} block. */
  public static DatasetImages open(Settings data, Registry registry, String split) {
    if (!split.equals("train") && !split.equals("test")) {
      throw new IllegalArgumentException("a split is train or test, found " + split);
    }
    DatasetSplits splits = DataPipelines.open(data, registry);
    return of(split, split.equals("train") ? splits.train() : splits.test(), DataPipelines.pad(data));
  }

  /** Opens both splits of the dataset of the run's resolved {@code data} block, reading its files once. */
  public static Splits openBoth(Settings data, Registry registry) {
    DatasetSplits splits = DataPipelines.open(data, registry);
    int pad = DataPipelines.pad(data);
    return new Splits(of("train", splits.train(), pad), of("test", splits.test(), pad));
  }

  private static DatasetImages of(String split, ImageDataset dataset, int pad) {
    return new DatasetImages(split, dataset.source(), pad, PaddedImages.of(dataset, pad, 0), dataset.labels());
  }

  /** "train" or "test". */
  public String split() {
    return split;
  }

  /** Where the images came from (a file, a folder or a file pattern), as the dataset plugin names it. */
  public String source() {
    return source;
  }

  /** The folder that holds the split's file or folder: the place for files derived from it. */
  public Path folder() {
    Path parent = Path.of(source).toAbsolutePath().getParent();
    return parent != null ? parent : Path.of(source).toAbsolutePath();
  }

  /** The preprocessing applied, e.g. {@code pad 2}. */
  public String preprocessing() {
    return "pad " + pad;
  }

  /** The per-image shape after padding. */
  public ImageShape shape() {
    return images.shape();
  }

  /** The number of images. */
  public int count() {
    return images.count();
  }

  /** The class of every image, when the dataset plugin read labels. */
  public Optional<Labels> labels() {
    return labels;
  }

  /** The SHA-256 checksum of the padded images: it changes when any pixel, the padding or the shape does. */
  public String sha256() {
    return images.sha256();
  }

  /**
   * The pixels of images {@code first} to {@code first + count − 1}, image after image, in C, H, W
   * order, as one Java array: refused when they need more than one array holds (2 GiB).
   */
  public byte[] pixels(int first, int count) {
    long bytes = (long) count * images.shape().size();
    if (bytes > MAX_ARRAY_BYTES) {
      throw new FlowException(source + ": " + count + " " + split + " images of " + images.shape() + " need " + bytes
          + " bytes in one array, more than the " + MAX_ARRAY_BYTES + " a Java array holds; use a split of fewer images");
    }
    byte[] out = new byte[(int) bytes];
    images.copy(first, count, out);
    return out;
  }
}
