package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Frozen;
import org.attnflow.api.Noise;
import org.attnflow.models.config.RunConfig;
import org.attnflow.testkit.Jacobians;
import org.attnflow.testkit.LayerContract;
import org.junit.jupiter.api.Test;

/** Whole models: exact inversion, exact total log-det, and the parameter count of glow32. */
class FlowModelTest {
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);

  @Test
  void glow32RoundTripsRandomDataWithRandomisedParameters() {
    RunConfig glow32 = RunConfig.of(ConfigFactory.parseFile(Path.of("..", "configs", "bench", "glow32.conf").toFile())
        .withFallback(RunConfig.reference()).resolve());
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = factory.create(glow32.block("model"), manager);
      assertEquals(298_880, model.freeParameterCount());
      NDArray x = new Noise(3).uniform(manager, model.inputShape().batched(8)).sub(0.5f);
      model.initializeFromData(x);
      randomise(model, 0.05);
      NDArray back = model.reconstruct(x);
      double error = back.sub(x).abs().max().getFloat();
      assertTrue(error < 1e-4, "round-trip error " + error);
      assertTrue(Float.isFinite(model.bitsPerDim(x).sum().getFloat()));
    }
  }

  @Test
  void totalLogDetOfATwoLevelModelEqualsTheBruteForceJacobian() {
    RunConfig tiny = ModelsTestSupport.config("""
        model { input = [2, 4, 4], levels = 2, steps = 2,
          step = [{ type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8 }] }
        """);
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = factory.create(tiny.block("model"), manager);
      NDArray x = new Noise(5).normal(manager, model.inputShape().batched(3)).mul(0.3f);
      model.initializeFromData(x);
      randomise(model, 0.2);
      double[] brute = Jacobians.logAbsDet(xi -> {
        FlowPass pass = FlowPass.encoding();
        return Jacobians.flatten(model.encode(xi, pass).latent(), pass);
      }, x);
      float[] claimed = model.encode(x, FlowPass.encoding()).logDet().toFloatArray();
      for (int b = 0; b < brute.length; b++) {
        assertEquals(brute[b], claimed[b], 2e-3 * Math.max(1, Math.abs(brute[b])), "sample " + b);
      }
      assertTrue(Math.abs(brute[0]) > 0.1, "the randomised model must not be volume-preserving: " + brute[0]);
    }
  }

  @Test
  void logLikelihoodIsLogDetPlusPriorOfEveryLatent() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = tinyBatch(manager, 7, 2);
      FlowModel model = randomisedTiny(manager, x);
      FlowPass pass = FlowPass.encoding();
      Encoding e = model.encode(x, pass);
      // split priors are zero-initialised convolutions perturbed by randomise, so recompute from the pass
      NDArray expected = e.logDet().add(pass.priorLogProb())
          .add(org.attnflow.api.math.FlowMath.standardNormalLogDensity(e.latent()));
      float[] a = e.logLikelihood().toFloatArray();
      float[] b = expected.toFloatArray();
      for (int i = 0; i < a.length; i++) {
        assertEquals(b[i], a[i], 1e-3);
      }
    }
  }

  @Test
  void aFrozenModelEvaluatesAndSamplesExactlyAsAnUnfrozenOne() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = tinyBatch(manager, 9, 4);
      FlowModel model = randomisedTiny(manager, x);
      float[] bpd = model.bitsPerDim(x).toFloatArray();
      float[] samples = model.sample(manager, 4, FlowPass.sampling(0.7, new Noise(11))).toFloatArray();
      try (Frozen frozen = model.freeze()) {
        for (int batch = 0; batch < 2; batch++) {
          assertArrayEquals(bpd, model.bitsPerDim(x).toFloatArray(), 0f, "bits/dim of batch " + batch);
          float[] again = model.sample(manager, 4, FlowPass.sampling(0.7, new Noise(11))).toFloatArray();
          assertArrayEquals(samples, again, 0f, "samples of batch " + batch);
        }
      }
    }
  }

  @Test
  void aWrongArchitectureFailsWhileBuildingWithThePathOfTheLayer() {
    RunConfig odd = ModelsTestSupport.config("model { input = [1, 6, 6], levels = 2 }");
    org.attnflow.api.config.ConfigError e = org.junit.jupiter.api.Assertions.assertThrows(
        org.attnflow.api.config.ConfigError.class, () -> factory.build(odd.block("model")));
    assertTrue(e.getMessage().contains("model.levels[1].squeeze"), e.getMessage());
    assertTrue(e.getMessage().contains("even"), e.getMessage());
  }

  /** A batch of uniform noise in [−0.5, 0.5) shaped like the tiny model's input, 1×8×8. */
  private static NDArray tinyBatch(NDManager manager, long seed, int batch) {
    return new Noise(seed).uniform(manager, new Shape(batch, 1, 8, 8)).sub(0.5f);
  }

  /** The tiny model of {@link ModelsTestSupport#tiny}, initialised on {@code x} and randomised. */
  private FlowModel randomisedTiny(NDManager manager, NDArray x) {
    FlowModel model = factory.create(ModelsTestSupport.tiny("").block("model"), manager);
    model.initializeFromData(x);
    randomise(model, 0.1);
    return model;
  }

  static void randomise(FlowModel model, double std) {
    List<FlowLayer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerContract.randomize(layers.get(i), 100 + i, std);
    }
  }

}
