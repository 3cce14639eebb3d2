package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Random;
import org.attnflow.api.Condition;
import org.attnflow.api.Noise;
import org.attnflow.models.config.RunConfig;
import org.junit.jupiter.api.Test;

/**
 * The denoising step moves a sample by σ² times the score of the model's density, in a
 * class-conditional model the density of the class each sample was drawn of.
 */
class DenoiserTest {

  @Test
  void underAStandardNormalTheStepShrinksTowardsZeroByOneMinusSigmaSquared() {
    // a squeeze and a channel reversal are volume-preserving: log p(y) = −½‖y‖² + const, score −y
    RunConfig config = ModelsTestSupport.config("model { input = [1, 4, 4], levels = 1, steps = 1, step = [{ type = reverse }] }");
    double sigma = 0.3;
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(ModelsTestSupport.REGISTRY).create(config.block("model"), manager);
      NDArray y = new Noise(4).normal(manager, model.inputShape().batched(3));
      float[] denoised = new Denoiser(model, sigma).apply(y, null).toFloatArray();
      float[] expected = y.mul(manager.create((float) (1 - sigma * sigma))).toFloatArray();
      assertArrayEquals(expected, denoised, 1e-6f);
    }
  }

  @Test
  void aConditionalModelDenoisesEachSampleUnderItsOwnClass() {
    // the same volume-preserving flow with a per-class Gaussian prior N(m_k, e^{2 s_k}) per latent
    // channel: in latent space the step is z − σ²(z − m_k)·e^{−2 s_k}, and the flow maps it back
    RunConfig config = ModelsTestSupport.config(
        "model { input = [1, 4, 4], classes = 3, levels = 1, steps = 1, step = [{ type = reverse }] }");
    double sigma = 0.3;
    int[] classes = {2, 0, 1, 2};
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(ModelsTestSupport.REGISTRY).create(config.block("model"), manager);
      float[] weight = randomise(classWeight(model), new Random(5));
      Condition condition = Condition.ofClasses(manager, classes, 3);
      NDArray y = new Noise(4).normal(manager, model.inputShape().batched(classes.length));
      float[] denoised = new Denoiser(model, sigma).apply(y, condition).toFloatArray();

      float[] z = model.latents(y, condition).last().toFloatArray();
      int channels = 4;
      int positions = z.length / classes.length / channels;
      for (int b = 0; b < classes.length; b++) {
        for (int c = 0; c < channels; c++) {
          double mean = weight[classes[b] * 2 * channels + c];
          double precision = Math.exp(-2 * weight[classes[b] * 2 * channels + channels + c]);
          for (int i = 0; i < positions; i++) {
            int at = (b * channels + c) * positions + i;
            z[at] -= (float) (sigma * sigma * (z[at] - mean) * precision);
          }
        }
      }
      NDArray latent = manager.create(z, model.latents(y, condition).last().getShape());
      float[] expected = model.decode(new Latents(latent, List.of()), condition).toFloatArray();
      assertArrayEquals(expected, denoised, 1e-5f);

      float[] underClassZero = new Denoiser(model, sigma).apply(y, Condition.ofClasses(manager, new int[4], 3)).toFloatArray();
      assertTrue(maxDifference(underClassZero, denoised) > 1e-3, "another class gives another step");
    }
  }

  private static NDArray classWeight(FlowModel model) {
    for (Pair<String, Parameter> p : model.getParameters()) {
      if (p.getKey().endsWith("class-weight")) {
        return p.getValue().getArray();
      }
    }
    throw new AssertionError("the model has no per-class prior");
  }

  private static float[] randomise(NDArray array, Random random) {
    float[] v = new float[(int) array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (0.5 * random.nextGaussian());
    }
    array.set(v);
    return v;
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
