package org.attnflow.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Noise;

/**
 * Draws images from a model at a temperature, reproducibly from a seed; a class-conditional model
 * draws each sample of the class {@link SampleClasses} gives it, guided towards it with a weight
 * (0: not guided; {@link FlowPass#guided}).
 */
public final class Sampler {
  private Sampler() {}

  /** Draws {@code n} images at {@code temperature} with noise from {@code seed}, of the model's default classes ({@link SampleClasses#defaultFor}). */
  public static Images sample(FlowModel model, NDManager manager, int n, double temperature, long seed) {
    return sample(model, manager, SampleClasses.defaultFor(model), 0, n, temperature, 0, seed, SampleFinish.NONE);
  }

  /**
   * Draws {@code n} images at {@code temperature} with noise from {@code seed}; they are samples
   * {@code first} to {@code first + n − 1} of the draw, whose classes {@code classes} gives, guided
   * towards them with weight {@code guidance} (0 for none; a positive weight needs a conditional
   * model), and {@code finish} (for example a {@link Denoiser}) is applied to them before they are
   * quantised.
   */
  public static Images sample(FlowModel model, NDManager manager, SampleClasses classes, int first, int n, double temperature,
      double guidance, long seed, SampleFinish finish) {
    if (classes.classCount() != model.classes()) {
      throw new IllegalArgumentException("a draw of " + classes.classCount() + " classes from a model of " + model.classes()
          + " (model.classes)");
    }
    try (NDScope scope = new NDScope()) {
      FlowPass pass = FlowPass.sampling(temperature, new Noise(seed));
      Condition condition = null;
      if (model.isConditional()) {
        condition = Condition.ofClasses(manager, classes.of(first, n), model.classes());
        pass.conditionedOn(condition).guided(guidance);
      } else if (guidance != 0) {
        throw new IllegalArgumentException("guidance " + guidance + " needs a class-conditional model");
      }
      return Images.quantise(finish.apply(model.sample(manager, n, pass), condition));
    }
  }
}
