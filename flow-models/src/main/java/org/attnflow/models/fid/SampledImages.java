package org.attnflow.models.fid;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.attnflow.api.Noise;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.Sampler;

/**
 * {@code n} images drawn from a model, one batch at a time so that memory stays bounded. Batch k
 * uses the k-th seed of a {@link Noise} source seeded with {@code seed}: the same seed and batch
 * size give the same images. Freeze the model while iterating.
 */
public final class SampledImages implements Iterator<Images> {
  private final FlowModel model;
  private final NDManager manager;
  private final double temperature;
  private final int batchSize;
  private final Noise seeds;
  private int remaining;

  /** Draws {@code n} images at {@code temperature} in batches of {@code batchSize}. */
  public SampledImages(FlowModel model, NDManager manager, int n, double temperature, int batchSize, long seed) {
    this.model = model;
    this.manager = manager;
    this.temperature = temperature;
    this.batchSize = batchSize;
    this.seeds = new Noise(seed);
    this.remaining = n;
  }

  @Override
  public boolean hasNext() {
    return remaining > 0;
  }

  @Override
  public Images next() {
    if (remaining <= 0) {
      throw new NoSuchElementException();
    }
    int size = Math.min(batchSize, remaining);
    remaining -= size;
    return Sampler.sample(model, manager, size, temperature, seeds.nextLong());
  }
}
