package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * A seeded source of random numbers for sampling and dequantisation, drawn in Java so that a run
 * is reproducible on any engine and its state is just its seed. Not thread-safe: one source per
 * pass. Normal values come from {@link SplittableRandom}'s ziggurat sampler, ~10× faster than
 * {@code Random.nextGaussian}; drawing a glow32 batch's noise with the latter took ~8% of sampling.
 */
public final class Noise {
  private final SplittableRandom random;

  /** Creates a source whose whole sequence is determined by {@code seed}. */
  public Noise(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A fresh array of independent standard normal values. */
  public NDArray normal(NDManager manager, Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return manager.create(values, shape);
  }

  /** A fresh array of independent values uniform in [0, 1). */
  public NDArray uniform(NDManager manager, Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return manager.create(values, shape);
  }

  /** The next random long, for deriving independent sources. */
  public long nextLong() {
    return random.nextLong();
  }
}
