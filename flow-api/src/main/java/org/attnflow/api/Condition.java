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
 * <p>A sample may have {@link #NO_CLASS}, the "no class" of classifier-free guidance: its encoding
 * is the uniform vector (1/K, …, 1/K), so every linear read-out of the encoding (a class embedding,
 * a per-class prior term) gives the mean of its per-class values, and no layer needs a parameter
 * of its own for it (TarFlow's choice, docs/maths.md, "Guidance").
 *
 * <p>The one-hot encoding is made from the Java labels when the condition is created, outside any
 * layer's scope, so every layer of a pass can read it without an engine call.
 */
public final class Condition {
  /** The class of a sample that has none: the "no class" of classifier-free guidance. */
  public static final int NO_CLASS = -1;
  private final int[] classes;
  private final int classCount;
  private final NDArray oneHot;

  private Condition(int[] classes, int classCount, NDArray oneHot) {
    this.classes = classes;
    this.classCount = classCount;
    this.oneHot = oneHot;
  }

  /**
   * The condition "sample i has class {@code classes[i]}", its arrays in {@code manager}; a class
   * of {@link #NO_CLASS} is "no class".
   *
   * @throws IllegalArgumentException when a class is outside 0..classCount − 1 (and not
   *     {@link #NO_CLASS}) or there is none
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
      if (classes[i] == NO_CLASS) {
        Arrays.fill(hot, i * classCount, (i + 1) * classCount, 1f / classCount);
      } else if (classes[i] < 0 || classes[i] >= classCount) {
        throw new IllegalArgumentException("class " + classes[i] + " of sample " + i + " is outside 0.." + (classCount - 1));
      } else {
        hot[i * classCount + classes[i]] = 1f;
      }
    }
    return new Condition(classes.clone(), classCount, manager.create(hot, new Shape(classes.length, classCount)));
  }

  /** The same class {@code k} for every one of {@code batch} samples. */
  public static Condition ofClass(NDManager manager, int k, int batch, int classCount) {
    int[] classes = new int[batch];
    Arrays.fill(classes, k);
    return ofClasses(manager, classes, classCount);
  }

  /** The same batch with no class for any sample ({@link #NO_CLASS}), its array beside this one's. */
  public Condition withoutClasses() {
    int[] none = new int[classes.length];
    Arrays.fill(none, NO_CLASS);
    return ofClasses(oneHot.getManager(), none, classCount);
  }

  /** The number of classes the model knows. */
  public int classCount() {
    return classCount;
  }

  /** The number of samples this condition covers. */
  public int batchSize() {
    return classes.length;
  }

  /** The class of sample {@code i}, {@link #NO_CLASS} when it has none. */
  public int classOf(int i) {
    return classes[i];
  }

  /** The one-hot encoding (B, classCount), float32; a sample with no class has the uniform row 1/K. */
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
