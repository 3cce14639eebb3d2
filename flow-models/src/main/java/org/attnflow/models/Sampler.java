package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.function.UnaryOperator;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Noise;

/** Draws images from a model at a temperature, reproducibly from a seed. */
public final class Sampler {
  private Sampler() {}

  /** Draws {@code n} images at {@code temperature} with noise from {@code seed}. */
  public static Images sample(FlowModel model, NDManager manager, int n, double temperature, long seed) {
    return sample(model, manager, n, temperature, seed, UnaryOperator.identity());
  }

  /** The same, with {@code finish} (for example a {@link Denoiser}) applied to the samples before they are quantised. */
  public static Images sample(FlowModel model, NDManager manager, int n, double temperature, long seed, UnaryOperator<NDArray> finish) {
    try (NDScope scope = new NDScope()) {
      return Images.quantise(finish.apply(model.sample(manager, n, FlowPass.sampling(temperature, new Noise(seed)))));
    }
  }
}
