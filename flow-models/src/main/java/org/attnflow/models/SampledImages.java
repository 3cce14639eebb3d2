package org.attnflow.models;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Samples {@code from} to {@code to} of a model's draw, one batch at a time so that memory stays
 * bounded. The batch that starts at sample i uses the noise seed {@code seed + i·φ} (φ the 64-bit
 * golden-ratio constant): the same seed and batch size give the same images, and a draw of one
 * batch is {@link Sampler#sample} with the seed itself. A class-conditional model draws sample i
 * of the class {@link SampleClasses} gives i. Freeze the model while iterating.
 */
public final class SampledImages implements Iterator<Images> {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final FlowModel model;
  private final NDManager manager;
  private final int to;
  private final double temperature;
  private final int batchSize;
  private final long seed;
  private final SampleClasses classes;
  private SampleFinish finish = SampleFinish.NONE;
  private double guidance;
  private int next;

  /**
   * Samples {@code from} (inclusive) to {@code to} (exclusive) of {@code classes} at
   * {@code temperature} in batches of {@code batchSize}.
   */
  public SampledImages(FlowModel model, NDManager manager, SampleClasses classes, int from, int to, double temperature, int batchSize,
      long seed) {
    this.model = model;
    this.classes = classes;
    this.manager = manager;
    this.next = from;
    this.to = to;
    this.temperature = temperature;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** The first {@code n} samples, of the model's default classes ({@link SampleClasses#defaultFor}). */
  public SampledImages(FlowModel model, NDManager manager, int n, double temperature, int batchSize, long seed) {
    this(model, manager, SampleClasses.defaultFor(model), 0, n, temperature, batchSize, seed);
  }

  /** Applies {@code step} (for example a {@link Denoiser}) to every batch before it is quantised; returns this. */
  public SampledImages finishedBy(SampleFinish step) {
    this.finish = step;
    return this;
  }

  /** Guides every sample towards its class with weight {@code weight} ≥ 0 ({@link Sampler#sample}); returns this. */
  public SampledImages guidedBy(double weight) {
    this.guidance = weight;
    return this;
  }

  @Override
  public boolean hasNext() {
    return next < to;
  }

  @Override
  public Images next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int size = Math.min(batchSize, to - next);
    Images batch = Sampler.sample(model, manager, classes, next, size, temperature, guidance, seed + next * GOLDEN_GAMMA, finish);
    next += size;
    return batch;
  }

  /** Every remaining batch, joined into one set. */
  public Images all() {
    List<Images> parts = new ArrayList<>();
    forEachRemaining(parts::add);
    return Images.join(parts);
  }
}
