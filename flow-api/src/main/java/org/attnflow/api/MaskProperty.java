package org.attnflow.api;

/** A property of a mask pattern that a layer's log-determinant or inverse may rely on. */
public enum MaskProperty {
  /** Exactly half of the channels are masked at every spatial position (needs an even C). */
  HALF_CHANNELS_AT_EVERY_POSITION("exactly half the channels masked at every position"),
  /** Every P×P patch carries the same pattern, for the patch size P the layer uses. */
  SAME_PATTERN_IN_EVERY_PATCH("the same pattern in every P×P patch");

  private final String description;

  MaskProperty(String description) {
    this.description = description;
  }

  /** A human-readable statement of the property. */
  public String description() {
    return description;
  }
}
