package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.attnflow.api.math.FlowMath;

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

  /**
   * Independent inverted-dropout masks: each entry is 1 / (1 − rate) with probability 1 − rate
   * and 0 otherwise, so that a masked activation keeps its expected value. The mask lives in
   * memory the engine owns ({@link FlowMath#array}), since autograd keeps it for the backward pass.
   */
  public NDArray dropoutMask(NDManager manager, Shape shape, double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("a dropout rate must be in [0, 1), found " + rate);
    }
    float keep = (float) (1 - rate);
    float kept = 1 / keep;
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() < keep ? kept : 0f;
    }
    return FlowMath.array(manager, values, shape);
  }

  /**
   * The seed of the independent stream ({@code seed}, {@code purpose}, {@code index}), for
   * example the data order of one epoch or the dropout of one training step: each stream is
   * reproducible alone. Chains the SplitMix64 finaliser, a bijection that spreads nearby inputs
   * over all 64 bits.
   */
  public static long streamSeed(long seed, long purpose, long index) {
    return mix(mix(mix(seed) + purpose) + index);
  }

  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The next random long, for deriving independent sources. */
  public long nextLong() {
    return random.nextLong();
  }
}
