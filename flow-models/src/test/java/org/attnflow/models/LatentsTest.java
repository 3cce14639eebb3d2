package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.attnflow.api.Noise;
import org.junit.jupiter.api.Test;

/** All latents of an encoding: decoding them, and paths between two samples. */
class LatentsTest {
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);

  @Test
  void everyLevelHasALatentAndDecodingThemGivesTheBatchBack() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = new Noise(4).uniform(manager, new Shape(3, 1, 8, 8)).sub(0.5f);
      FlowModel model = randomisedTiny(manager, x);
      Latents latents = model.latents(x, null);
      assertEquals(1, latents.factored().size(), "one split in a two-level model");
      assertEquals(new Shape(3, 2, 4, 4), latents.factored().get(0).getShape());
      assertEquals(new Shape(3, 8, 2, 2), latents.last().getShape());
      double error = model.decode(latents, null).sub(x).abs().max().getFloat();
      assertTrue(error < 1e-4, "round-trip error " + error);
    }
  }

  @Test
  void aPathRunsFromOneSampleToTheOtherThroughEveryLatent() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = new Noise(5).uniform(manager, new Shape(3, 1, 8, 8)).sub(0.5f);
      FlowModel model = randomisedTiny(manager, x);
      Latents latents = model.latents(x, null);
      for (Interpolation how : Interpolation.values()) {
        Latents path = latents.path(2, 0, 5, how);
        assertEquals(5, path.samples());
        NDArray images = model.decode(path, null);
        assertEquals(new Shape(5, 1, 8, 8), images.getShape());
        assertArrayEquals(latents.factored().get(0).get(2).toFloatArray(), path.factored().get(0).get(0).toFloatArray(), 0f);
        assertArrayEquals(latents.last().get(0).toFloatArray(), path.last().get(4).toFloatArray(), 0f);
        double start = images.get(0).sub(x.get(2)).abs().max().getFloat();
        double end = images.get(4).sub(x.get(0)).abs().max().getFloat();
        assertTrue(start < 1e-4 && end < 1e-4, how + ": end-point errors " + start + ", " + end);
        float[] middle = path.last().get(2).toFloatArray();
        float[] expected = how.at(latents.last().get(2).toFloatArray(), latents.last().get(0).toFloatArray(), 0.5);
        assertArrayEquals(expected, middle, 0f, how + ": the middle point of the final latent");
      }
    }
  }

  private FlowModel randomisedTiny(NDManager manager, NDArray x) {
    FlowModel model = factory.create(ModelsTestSupport.tiny("").block("model"), manager);
    model.initializeFromData(x);
    FlowModelTest.randomise(model, 0.1);
    return model;
  }
}
