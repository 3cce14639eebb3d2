package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Random;
import org.attnflow.api.ImageShape;
import org.attnflow.models.config.RunConfig;
import org.junit.jupiter.api.Test;

/**
 * A class-conditional model's marginal bits/dim, −log₂((1/K)·Σ_y p(x | y)) per dimension: the
 * mixture formula itself, and the evaluation that applies it to every test image.
 */
class MarginalEvaluationTest {
  private static final ImageShape SHAPE = new ImageShape(1, 4, 4);
  private static final String CONDITIONAL = "model { input = [1, 4, 4], classes = 3, levels = 1, steps = 1,"
      + " step = [{ type = actnorm }, { type = affine-coupling, hidden = 4 }] }";

  @Test
  void theMixtureOfEqualDensitiesIsThatDensityAndADominantOneCostsLogKBits() {
    assertEquals(3.25, Evaluator.marginalBpd(new double[] {3.25}, 16), 1e-12);
    assertEquals(3.25, Evaluator.marginalBpd(new double[] {3.25, 3.25, 3.25}, 16), 1e-12);
    // one class far more likely than the others: p(x) ≈ p(x | y)/K, log₂K bits more over D dimensions
    assertEquals(2.0 + Math.log(4) / Math.log(2) / 1024, Evaluator.marginalBpd(new double[] {2.0, 9.0, 9.5, 12.0}, 1024), 1e-12);
    // two classes: −log₂((2^{−D·a} + 2^{−D·b})/2)/D written out, at values that do not underflow
    double a = 0.5;
    double b = 0.75;
    int d = 4;
    double expected = -Math.log((Math.pow(2, -d * a) + Math.pow(2, -d * b)) / 2) / Math.log(2) / d;
    assertEquals(expected, Evaluator.marginalBpd(new double[] {a, b}, d), 1e-12);
  }

  @Test
  void withEqualClassTermsTheMarginalIsTheConditionalAndOtherwiseAtMostLogKBitsAboveIt() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = conditionalModel(manager);
      SyntheticData data = SyntheticData.labelled(SHAPE, 40, 3);
      // fresh per-class terms are zero: every class gives the image the same density
      Evaluation conditional = Evaluator.evaluate(model, data, manager, 16, 0, 5);
      Evaluation marginal = Evaluator.marginal(model, data, manager, 16, 0, 5);
      assertEquals(conditional.bpd(), marginal.bpd(), 1e-5);
      assertEquals(40, marginal.images());
      assertTrue(marginal.perClass().isEmpty());

      randomiseClassTerms(model, new Random(3));
      Evaluation givenLabels = Evaluator.evaluate(model, data, manager, 16, 0, 5);
      Evaluation now = Evaluator.marginal(model, data, manager, 16, 0, 5);
      // p(x) ≥ p(x | y)/K for the image's own class y: at most log₂K bits more over the D = 16 dimensions
      assertTrue(now.bpd() <= givenLabels.bpd() + Math.log(3) / Math.log(2) / 16 + 1e-6, now + " against " + givenLabels);
      assertTrue(Math.abs(now.bpd() - marginal.bpd()) > 1e-3, "the class terms changed nothing");
    }
  }

  @Test
  void anUnconditionalModelHasNoMarginalOverClasses() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(ModelsTestSupport.REGISTRY)
          .create(ModelsTestSupport.config(CONDITIONAL.replace("classes = 3, ", "")).block("model"), manager);
      assertThrows(IllegalArgumentException.class, () -> Evaluator.marginal(model, new SyntheticData(SHAPE, 8), manager, 8, 0, 0));
    }
  }

  private static FlowModel conditionalModel(NDManager manager) {
    RunConfig config = ModelsTestSupport.config(CONDITIONAL);
    return new ModelFactory(ModelsTestSupport.REGISTRY).create(config.block("model"), manager);
  }

  private static void randomiseClassTerms(FlowModel model, Random random) {
    for (Pair<String, Parameter> p : model.getParameters()) {
      if (p.getKey().endsWith("class-weight")) {
        NDArray a = p.getValue().getArray();
        float[] v = new float[(int) a.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (0.5 * random.nextGaussian());
        }
        a.set(v);
      }
    }
  }
}
