package org.attnflow.models;

import java.util.Random;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;

/** A deterministic in-memory pipeline of smooth random images, for trainer tests. */
public final class SyntheticData implements DataPipeline {
  private final ImageShape shape;
  private final int testSize;
  private final float poison;

  public SyntheticData(ImageShape shape, int testSize) {
    this(shape, testSize, 0f);
  }

  /** With a non-zero {@code poison}, every training value is multiplied by it (NaN poisons the data). */
  public SyntheticData(ImageShape shape, int testSize, float poison) {
    this.shape = shape;
    this.testSize = testSize;
    this.poison = poison;
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
    for (int k = 0; k < n; k++) {
      double phase = r.nextDouble() * 6;
      for (int i = 0; i < shape.size(); i++) {
        double pixel = Math.floor(128 + 100 * Math.sin(phase + i * 0.3)) + r.nextDouble();
        v[k * shape.size() + i] = (float) (pixel / 256 - 0.5);
      }
    }
    return new Batch(v, n, shape);
  }
}
