package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.Noise;
import org.attnflow.models.config.RunConfig;
import org.junit.jupiter.api.Test;

/** The denoising step moves a sample by σ² times the score of the model's density. */
class DenoiserTest {

  @Test
  void underAStandardNormalTheStepShrinksTowardsZeroByOneMinusSigmaSquared() {
    // a squeeze and a channel reversal are volume-preserving: log p(y) = −½‖y‖² + const, score −y
    RunConfig config = ModelsTestSupport.config("model { input = [1, 4, 4], levels = 1, steps = 1, step = [{ type = reverse }] }");
    double sigma = 0.3;
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(ModelsTestSupport.REGISTRY).create(config.block("model"), manager);
      NDArray y = new Noise(4).normal(manager, model.inputShape().batched(3));
      float[] denoised = new Denoiser(model, sigma).apply(y).toFloatArray();
      float[] expected = y.mul(manager.create((float) (1 - sigma * sigma))).toFloatArray();
      assertArrayEquals(expected, denoised, 1e-6f);
    }
  }
}
