package org.attnflow.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Locale;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;

/**
 * The memory a model needs for a workload, estimated from its shapes before any of its arrays
 * exists, in float32: its parameters, plus what each pass over a batch keeps per sample, namely
 * each layer's output and, for each convolution kernel (out, in, k, k) inside a layer, one map of
 * {@code out} channels at the layer's input resolution, and what its blocks declare besides
 * ({@link org.attnflow.api.FlowBlock#extraActivationsPerSample}, such as attention matrices). Training's gradients and optimiser
 * moments are not counted. Measured against {@code check} (3×1024×1024 and 3×2048×2048 inputs,
 * batch 4), its round trip's peak is 2.6 times one pass.
 *
 * @param input the model's per-sample input shape
 * @param parameterBytes bytes of the parameters
 * @param activationBytes bytes of the activations of the workload
 * @param workload what runs through the model
 */
public record MemoryEstimate(ImageShape input, long parameterBytes, long activationBytes, Workload workload) {

  /**
   * What a command runs through a model.
   *
   * @param batch samples per pass
   * @param passes passes whose activations are alive at the same time
   * @param purpose what the batch is for, named in the error, as "check's batch of 4"
   */
  public record Workload(long batch, int passes, String purpose) {}

  /** The estimate for {@code model} (built; its parameters need not exist yet) running {@code workload}. */
  public static MemoryEstimate of(FlowModel model, Workload workload) {
    long parameters = 0;
    for (Pair<String, Parameter> p : model.getParameters()) {
      parameters = plus(parameters, size(p.getValue().getShape()));
    }
    long perSample = 0;
    for (FlowLayer layer : model.layers()) {
      perSample = plus(perSample, layer.outputShape().size());
      perSample = plus(perSample, layer.extraActivationsPerSample());
      for (Pair<String, Parameter> p : layer.getParameters()) {
        Shape shape = p.getValue().getShape();
        if (shape != null && shape.dimension() == 4) {
          perSample = plus(perSample, times(shape.get(0), layer.inputShape().positions()));
        }
      }
    }
    long values = times(times(perSample, workload.batch()), workload.passes());
    return new MemoryEstimate(model.inputShape(), times(parameters, Float.BYTES), times(values, Float.BYTES), workload);
  }

  /** Parameters and activations together. */
  public long totalBytes() {
    return plus(parameterBytes, activationBytes);
  }

  /** Fails at {@code model.input} when the estimate exceeds the memory available now ({@link AvailableMemory}). */
  public void requireFits(Settings model) {
    long available = AvailableMemory.bytes();
    if (totalBytes() > available) {
      throw model.error("input", "a model on " + input + " needs about " + gigabytes(totalBytes()) + " for " + workload.purpose()
          + " (parameters " + gigabytes(parameterBytes) + ", activations " + gigabytes(activationBytes)
          + ", float32, estimated from the shapes), more than the " + gigabytes(available)
          + " of memory available; use a smaller batch or input, fewer levels or steps, or narrower layers");
    }
  }

  /** {@code bytes} in gigabytes, as "1.25 GB". */
  static String gigabytes(long bytes) {
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }

  private static long size(Shape shape) {
    return shape == null ? 0 : shape.size();
  }

  private static long plus(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static long times(long a, long b) {
    return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
  }
}
