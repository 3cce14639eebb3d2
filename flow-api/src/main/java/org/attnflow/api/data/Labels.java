package org.attnflow.api.data;

/**
 * The class of every image of a dataset, in image order.
 *
 * @param values one label per image, each in 0..classes − 1
 * @param classes the number of classes
 */
public record Labels(int[] values, int classes) {

  /** Checks that every label is a class. */
  public Labels {
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= classes) {
        throw new IllegalArgumentException("label " + values[i] + " of image " + i + " is outside 0.." + (classes - 1));
      }
    }
  }

  /** The number of labelled images. */
  public int count() {
    return values.length;
  }
}
