package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * What a class-conditional flow is conditioned on, per sample of a batch: a class index in
 * 0..classCount − 1. A {@link FlowPass} carries it to every layer and prior, in both directions;
 * a layer that uses it reads it from the pass and leaves its log-det of the same form, since the
 * condition enters only the networks that parametrise the map, never the map's variable. A tensor
 * context (for example a low-resolution image) would join as a further component.
 *
 * <p>The one-hot encoding is made from the Java labels when the condition is created, outside any
 * layer's scope, so every layer of a pass can read it without an engine call.
 */
public final class Condition {
  private final int[] classes;
  private final int classCount;
  private final NDArray oneHot;

  private Condition(int[] classes, int classCount, NDArray oneHot) {
    this.classes = classes;
    this.classCount = classCount;
    this.oneHot = oneHot;
  }

  /**
   * The condition "sample i has class {@code classes[i]}", its arrays in {@code manager}.
   *
   * @throws IllegalArgumentException when a class is outside 0..classCount − 1 or there is none
   */
  public static Condition ofClasses(NDManager manager, int[] classes, int classCount) {
    if (classCount < 1) {
      throw new IllegalArgumentException("a class condition needs at least one class, found " + classCount);
    }
    if (classes.length == 0) {
      throw new IllegalArgumentException("a class condition needs at least one sample");
    }
    float[] hot = new float[classes.length * classCount];
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] < 0 || classes[i] >= classCount) {
        throw new IllegalArgumentException("class " + classes[i] + " of sample " + i + " is outside 0.." + (classCount - 1));
      }
      hot[i * classCount + classes[i]] = 1f;
    }
    return new Condition(classes.clone(), classCount, manager.create(hot, new Shape(classes.length, classCount)));
  }

  /** The same class {@code k} for every one of {@code batch} samples. */
  public static Condition ofClass(NDManager manager, int k, int batch, int classCount) {
    int[] classes = new int[batch];
    Arrays.fill(classes, k);
    return ofClasses(manager, classes, classCount);
  }

  /** The number of classes the model knows. */
  public int classCount() {
    return classCount;
  }

  /** The number of samples this condition covers. */
  public int batchSize() {
    return classes.length;
  }

  /** The class of sample {@code i}. */
  public int classOf(int i) {
    return classes[i];
  }

  /** The one-hot encoding (B, classCount), float32. */
  public NDArray oneHot() {
    return oneHot;
  }

  /** The one-hot encoding (B, classCount) in {@code type}, for a layer computing in that type. */
  public NDArray oneHot(DataType type) {
    return oneHot.getDataType() == type ? oneHot : oneHot.toType(type, false);
  }

  @Override
  public String toString() {
    return "Condition(" + classes.length + " samples of " + classCount + " classes)";
  }
}
