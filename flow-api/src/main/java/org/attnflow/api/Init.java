package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.initializer.Initializer;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Parameter initializers that draw in Java from a seed, so that a model's initial parameters are
 * a pure function of its configuration seed on every engine.
 */
public final class Init {
  private Init() {}

  /** Independent N(0, std²) values from {@code seed}. */
  public static Initializer normal(long seed, double std) {
    return values(n -> {
      Random r = new Random(seed);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) (std * r.nextGaussian());
      }
      return v;
    });
  }

  /** Every entry equal to {@code value}. */
  public static Initializer constant(float value) {
    return values(n -> {
      float[] v = new float[n];
      java.util.Arrays.fill(v, value);
      return v;
    });
  }

  /** Values made for the parameter's element count, in row-major order. */
  public static Initializer values(IntFunction<float[]> maker) {
    return (manager, shape, dataType) -> {
      float[] v = maker.apply(Math.toIntExact(shape.size()));
      if (v.length != shape.size()) {
        throw new IllegalStateException("initializer made " + v.length + " values for shape " + shape);
      }
      NDArray a = manager.create(v, shape);
      return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
    };
  }
}
