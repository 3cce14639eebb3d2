package org.attnflow.data.memory;

/**
 * A dataset whose images are already held as {@link ChunkedPixels}: the pipeline uses them as they
 * are, rather than a second copy, when it neither pads nor limits them.
 */
public interface HeldImages {
  /** The images' pixels, shared: never written to. */
  ChunkedPixels pixels();
}
