package org.attnflow.models;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.data.Labels;

/**
 * A deterministic in-memory pipeline of smooth random images, for trainer tests; labelled data
 * gives each image a class, which sets the phase of its waves.
 */
public final class SyntheticData implements DataPipeline {
  private final ImageShape shape;
  private final int testSize;
  private final float poison;
  private final int classes;

  public SyntheticData(ImageShape shape, int testSize) {
    this(shape, testSize, 0f);
  }

  /** With a non-zero {@code poison}, every training value is multiplied by it (NaN poisons the data). */
  public SyntheticData(ImageShape shape, int testSize, float poison) {
    this(shape, testSize, poison, 0);
  }

  private SyntheticData(ImageShape shape, int testSize, float poison, int classes) {
    this.shape = shape;
    this.testSize = testSize;
    this.poison = poison;
    this.classes = classes;
  }

  /** Unpoisoned images labelled with {@code classes} classes named "0", "1", …. */
  public static SyntheticData labelled(ImageShape shape, int testSize, int classes) {
    return new SyntheticData(shape, testSize, 0f, classes);
  }

  @Override
  public Optional<List<String>> classNames() {
    return classes > 0 ? Optional.of(Labels.numbered(classes)) : Optional.empty();
  }

  @Override
  public String source() {
    return "synthetic waves";
  }

  @Override
  public ImageShape shape() {
    return shape;
  }

  @Override
  public int testSize() {
    return testSize;
  }

  @Override
  public BatchStream train(int batchSize, long seed, long firstBatch) {
    return new BatchStream() {
      private long index = firstBatch;

      @Override
      public Batch next() {
        Batch b = batch(batchSize, seed * 7919 + index++);
        if (poison != 0f) {
          for (int i = 0; i < b.values().length; i++) {
            b.values()[i] *= poison;
          }
        }
        return b;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public BatchStream test(int batchSize, long seed, int limit) {
    int total = limit > 0 ? Math.min(limit, testSize) : testSize;
    return new BatchStream() {
      private int done;

      @Override
      public Batch next() {
        if (done >= total) {
          return null;
        }
        int n = Math.min(batchSize, total - done);
        done += n;
        return batch(n, -1 - done);
      }

      @Override
      public void close() {}
    };
  }

  private Batch batch(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * shape.size()];
    int[] labels = classes > 0 ? new int[n] : null;
    for (int k = 0; k < n; k++) {
      double phase = r.nextDouble() * 6;
      if (labels != null) {
        labels[k] = r.nextInt(classes);
        phase = labels[k] * 6.0 / classes + r.nextDouble() * 0.5;
      }
      for (int i = 0; i < shape.size(); i++) {
        double pixel = Math.floor(128 + 100 * Math.sin(phase + i * 0.3)) + r.nextDouble();
        v[k * shape.size() + i] = (float) (pixel / 256 - 0.5);
      }
    }
    return new Batch(v, n, shape, labels);
  }
}
