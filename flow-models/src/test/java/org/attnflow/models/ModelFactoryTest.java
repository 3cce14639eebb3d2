package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.config.Settings;
import org.attnflow.models.config.RunConfig;
import org.junit.jupiter.api.Test;

/** How the factory seeds the layers' initial parameters. */
class ModelFactoryTest {
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);

  @Test
  void addingLayersLeavesTheInitialParametersOfTheOthersAsTheyWere() {
    // as imap32 does to glow32, the larger model adds layers: here before and between the others
    RunConfig base = ModelsTestSupport.tiny("");
    RunConfig larger = ModelsTestSupport.tiny("""
        model.step = [{ type = shuffle }, { type = actnorm }, { type = invconv },
          { type = additive-coupling, hidden = 8 }, { type = affine-coupling, hidden = 8 }]
        """);
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, float[]> before = initialValues(base, manager);
      Map<String, float[]> after = initialValues(larger, manager);
      assertTrue(after.size() > before.size());
      before.forEach((name, values) -> assertArrayEquals(values, after.get(name), 0f, name + " changed when layers were added"));
    }
  }

  @Test
  void layersOfOneTypeInOneStepStartDifferently() {
    RunConfig twice = ModelsTestSupport.tiny("model.step = [{ type = invconv }, { type = invconv }, { type = affine-coupling, hidden = 8 }]");
    try (NDManager manager = NDManager.newBaseManager()) {
      List<FlowLayer> layers = factory.create(twice.block("model"), manager).layers();
      FlowLayer first = layers.get(1);
      FlowLayer second = layers.get(2);
      assertEquals(first.path(), second.path());
      assertFalse(Arrays.equals(values(first).get("lower"), values(second).get("lower")),
          "two invertible 1×1 convolutions of one step start from the same rotation");
    }
  }

  @Test
  void theModelSeedChangesEveryRandomInitialisation() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, float[]> seed0 = initialValues(ModelsTestSupport.tiny("model.seed = 0"), manager);
      Map<String, float[]> seed1 = initialValues(ModelsTestSupport.tiny("model.seed = 1"), manager);
      int random = 0;
      for (String name : seed0.keySet()) {
        if (name.endsWith(" lower") || name.endsWith("conv1_weight")) {
          random++;
          assertFalse(Arrays.equals(seed0.get(name), seed1.get(name)), name + " does not depend on the model seed");
        }
      }
      assertEquals(8, random, "2 levels × 2 steps, one rotation and one first coupling convolution each");
    }
  }

  @Test
  void theCompletedModelBlockSpellsOutEveryDefaultAndBuildsTheSameModel() {
    RunConfig given = ModelsTestSupport.tiny("model.split = { type = split }");
    Settings completed = factory.completed(given.block("model"));
    Config c = completed.config();
    assertTrue(c.getConfigList("step").get(1).getBoolean("lu"), "the invconv's default lu = true");
    assertEquals(8, c.getConfigList("step").get(2).getInt("hidden"), "the user's value stays");
    assertEquals("conditional-gaussian", c.getString("split.prior.type"), "the split's default prior, a nested plugin");
    assertEquals(completed.config().root(), factory.completed(given.with("model", completed).block("model")).config().root(),
        "completing twice changes nothing");
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, float[]> asGiven = initialValues(given, manager);
      Map<String, float[]> asCompleted = initialValues(given.with("model", completed), manager);
      assertEquals(asGiven.keySet(), asCompleted.keySet());
      asGiven.forEach((name, values) -> assertArrayEquals(values, asCompleted.get(name), 0f, name));
    }
  }

  /** Every parameter's initial values, named by its layer's path and its own name. */
  private Map<String, float[]> initialValues(RunConfig config, NDManager manager) {
    Map<String, float[]> all = new LinkedHashMap<>();
    for (FlowLayer layer : factory.create(config.block("model"), manager).layers()) {
      values(layer).forEach((name, v) -> all.put(layer.path() + " " + name, v));
    }
    return all;
  }

  private static Map<String, float[]> values(FlowLayer layer) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : layer.getParameters()) {
      out.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return out;
  }
}
