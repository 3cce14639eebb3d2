package org.attnflow.models;

import java.util.function.IntUnaryOperator;

/**
 * The class of each sample a class-conditional model draws, a function of the sample's index in
 * the draw (so a draw in batches gives the same classes whatever the batch size); {@link #NONE}
 * for an unconditional model.
 */
public final class SampleClasses {
  /** No class: the samples of an unconditional model. */
  public static final SampleClasses NONE = new SampleClasses(0, i -> {
    throw new IllegalStateException("an unconditional draw has no classes");
  });
  private final int classCount;
  private final IntUnaryOperator classOf;

  private SampleClasses(int classCount, IntUnaryOperator classOf) {
    this.classCount = classCount;
    this.classOf = classOf;
  }

  /** Class-balanced: sample i has class i mod classCount, so every class gets an equal share (±1). */
  public static SampleClasses balanced(int classCount) {
    return new SampleClasses(requirePositive(classCount), i -> i % classCount);
  }

  /** Every sample of class {@code k}. */
  public static SampleClasses only(int k, int classCount) {
    if (k < 0 || k >= requirePositive(classCount)) {
      throw new IllegalArgumentException("class " + k + " is outside 0.." + (classCount - 1));
    }
    return new SampleClasses(classCount, i -> k);
  }

  /** One class per row of {@code perRow} samples: sample i has class i / perRow (a grid of every class when i < classCount · perRow). */
  public static SampleClasses rows(int classCount, int perRow) {
    if (perRow < 1) {
      throw new IllegalArgumentException("a row needs at least one sample, found " + perRow);
    }
    return new SampleClasses(requirePositive(classCount), i -> i / perRow % classCount);
  }

  /** What a draw without a chosen class uses: none for an unconditional model, {@link #balanced} for a conditional one. */
  public static SampleClasses defaultFor(FlowModel model) {
    return model.isConditional() ? balanced(model.classes()) : NONE;
  }

  /** The number of classes of the model drawn from, 0 for {@link #NONE}. */
  public int classCount() {
    return classCount;
  }

  /** The classes of samples {@code first} to {@code first + count − 1}. */
  public int[] of(int first, int count) {
    int[] classes = new int[count];
    for (int i = 0; i < count; i++) {
      classes[i] = classOf.applyAsInt(first + i);
    }
    return classes;
  }

  private static int requirePositive(int classCount) {
    if (classCount < 1) {
      throw new IllegalArgumentException("a class-conditional draw needs at least one class, found " + classCount);
    }
    return classCount;
  }
}
