package org.attnflow.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** The entries of an array as doubles, whatever its floating-point type; exact for float32 and float64. */
final class Values {
  private Values() {}

  /** The entries of {@code a} in row-major order. */
  static double[] of(NDArray a) {
    return a.getDataType() == DataType.FLOAT64 ? a.toDoubleArray() : a.toType(DataType.FLOAT64, false).toDoubleArray();
  }
}
