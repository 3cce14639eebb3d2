package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Noise;
import org.attnflow.models.config.RunConfig;
import org.junit.jupiter.api.Test;

/**
 * A whole class-conditional model (model.classes = 3) built from the built-in couplings and
 * priors: it inverts exactly under every condition, its likelihood depends on the class, and its
 * temperature-0 samples are one image per class.
 */
class ConditionalModelTest {
  private static final int CLASSES = 3;
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);

  @Test
  void aConditionalModelInvertsAndDependsOnTheClass() {
    RunConfig config = ModelsTestSupport.config("""
        model { input = [2, 4, 4], levels = 2, steps = 2, classes = 3, prior { type = learned },
          step = [{ type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8 },
            { type = additive-coupling, hidden = 8 }] }
        """);
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = factory.create(config.block("model"), manager);
      assertEquals(CLASSES, model.classes());
      NDArray x = new Noise(5).normal(manager, model.inputShape().batched(3)).mul(0.3f);
      Condition classes = Condition.ofClasses(manager, new int[] {0, 1, 2}, CLASSES);
      model.encode(x, FlowPass.initializing().conditionedOn(classes));
      FlowModelTest.randomise(model, 0.2);
      assertEquals(2, randomisePriors(model), "the split's and the top prior's per-class weights");

      double error = model.reconstruct(x, classes).sub(x).abs().max().getFloat();
      assertTrue(error < 1e-4, "round-trip error " + error);

      float[] ll = model.encode(x, FlowPass.encoding().conditionedOn(classes)).logLikelihood().toFloatArray();
      Condition shifted = Condition.ofClasses(manager, new int[] {1, 2, 0}, CLASSES);
      float[] other = model.encode(x, FlowPass.encoding().conditionedOn(shifted)).logLikelihood().toFloatArray();
      for (int i = 0; i < ll.length; i++) {
        assertTrue(Math.abs(ll[i] - other[i]) > 1e-3, "sample " + i + ": the class does not change the likelihood " + ll[i]);
      }

      float[][] modes = new float[CLASSES][];
      for (int k = 0; k < CLASSES; k++) {
        FlowPass pass = FlowPass.sampling(0, new Noise(k)).conditionedOn(Condition.ofClass(manager, k, 2, CLASSES));
        float[] both = model.sample(manager, 2, pass).toFloatArray();
        int d = both.length / 2;
        modes[k] = java.util.Arrays.copyOf(both, d);
        assertArrayEquals(modes[k], java.util.Arrays.copyOfRange(both, d, 2 * d), 1e-6f, "class " + k + ": two modes differ");
      }
      assertTrue(modes[0][0] != modes[1][0] || modes[1][0] != modes[2][0], "the classes share one mode");
    }
  }

  /**
   * The priors' per-class weights start at zero; gives them values, so that each class has its
   * own prior, and returns how many priors have them.
   */
  private static int randomisePriors(FlowModel model) {
    int count = 0;
    java.util.Random random = new java.util.Random(11);
    for (var p : model.getParameters()) {
      if (p.getKey().endsWith("class-weight")) {
        NDArray a = p.getValue().getArray();
        float[] v = new float[(int) a.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (0.3 * random.nextGaussian());
        }
        a.set(v);
        count++;
      }
    }
    return count;
  }
}
