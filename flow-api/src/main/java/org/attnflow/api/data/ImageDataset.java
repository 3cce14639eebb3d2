package org.attnflow.api.data;

import java.util.Optional;
import org.attnflow.api.ImageShape;

/**
 * A decoded, in-memory set of images with 8-bit pixels, all of one shape, in C, H, W order.
 * Implementations decode their files once, when they are opened.
 */
public interface ImageDataset {

  /** Where the images came from (file or folder), for messages. */
  String source();

  /** The per-image shape. */
  ImageShape shape();

  /** The number of images. */
  int size();

  /** Copies image {@code index} as pixel values 0..255 into {@code target} from {@code offset}. */
  void copyPixels(int index, byte[] target, int offset);

  /** The class of every image, when the dataset has labels (a class-conditional flow is conditioned on them, a feature classifier learns them). */
  default Optional<Labels> labels() {
    return Optional.empty();
  }
}
