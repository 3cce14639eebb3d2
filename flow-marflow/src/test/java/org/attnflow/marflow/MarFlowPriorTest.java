package org.attnflow.marflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.stream.Stream;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.math.DiagonalGaussian;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The MaRFlow prior: exact likelihood against a step-by-step reference, sampling, gradients, saving. */
class MarFlowPriorTest {
  private static final ImageShape LATENT = new ImageShape(4, 5, 4);
  private static final ImageShape CONDITION = new ImageShape(3, 5, 4);
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** A prior's configuration for the parameterised tests. */
  record Case(String name, ImageShape condition, MarFlowOptions options) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("conditioned, 2 layers", CONDITION, new MarFlowOptions(2, 6, 3, 1, 5)),
        new Case("unconditioned, 3 layers, dilation 2", null, new MarFlowOptions(3, 5, 3, 2, 4)),
        new Case("conditioned, 1 layer, 5×5 kernel", CONDITION, new MarFlowOptions(1, 4, 5, 1, 3)),
        new Case("unconditioned, 1×1 kernel", null, new MarFlowOptions(2, 3, 1, 1, 2)),
        new Case("published form: conditioned, 5×5 dilation 2, two-convolution embedding, input and 3×3 output convolutions",
            CONDITION, PUBLISHED),
        new Case("published form: unconditioned, input convolution, 1×1 output", null, new MarFlowOptions(2, 5, 3, 1, 4, 0, 3, true, 1)));
  }

  /** The published mAR-SCF prior's form at a test's scale: embedding conv(ReLU(conv(u))) 3 → 6 → 4 by 5×5 kernels, lifted input. */
  private static final MarFlowOptions PUBLISHED = new MarFlowOptions(2, 6, 5, 2, 4, 6, 5, true, 3);

  private static NDArray latent(long batch, long seed) {
    return new Noise(seed).normal(manager, LATENT.batched(batch));
  }

  private static NDArray condition(Case c, long batch, long seed) {
    return c.condition() == null ? null : new Noise(seed).normal(manager, c.condition().batched(batch));
  }

  private static MarFlowPrior randomised(Case c, long seed) {
    MarFlowPrior prior = Priors.create(manager, LATENT, c.condition(), c.options(), seed);
    Priors.randomize(prior, seed + 100, 0.3);
    return prior;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void logProbIsTheSumOfPerChannelGaussiansOfAStepByStepConvLstm(Case c) {
    MarFlowPrior prior = randomised(c, 1);
    NDArray z = latent(3, 2);
    NDArray u = condition(c, 3, 3);
    Priors.Reference ref = Priors.reference(prior, z, u);
    float[] got = prior.logProb(z, u, FlowPass.encoding()).toFloatArray();
    for (int b = 0; b < got.length; b++) {
      assertEquals(ref.logProb()[b], got[b], 1e-4 * Math.max(1, Math.abs(ref.logProb()[b])), "sample " + b);
    }
    DiagonalGaussian p = prior.meanAndLogStd(z, u);
    assertTrue(Priors.maxDiff(Priors.rows(p.mean()), ref.mean()) < 1e-4, "means differ from the reference");
    assertTrue(Priors.maxDiff(Priors.rows(p.logStd()), ref.logStd()) < 1e-4, "log-stds differ from the reference");
    // Not vacuous: the means vary over channels and positions.
    assertTrue(p.mean().max().getFloat() - p.mean().min().getFloat() > 0.05, "the randomised prior's means are constant");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void channelCDependsOnlyOnEarlierChannels(Case c) {
    MarFlowPrior prior = randomised(c, 4);
    NDArray z = latent(2, 5);
    NDArray u = condition(c, 2, 6);
    DiagonalGaussian before = prior.meanAndLogStd(z, u);
    // Change the last channel only: every mean and log-std is unchanged (causality), …
    float[] v = z.toFloatArray();
    int perChannel = LATENT.positions();
    for (int b = 0; b < 2; b++) {
      for (int j = 0; j < perChannel; j++) {
        v[b * LATENT.size() + (LATENT.channels() - 1) * perChannel + j] += 1.5f;
      }
    }
    NDArray changed = manager.create(v, z.getShape());
    DiagonalGaussian after = prior.meanAndLogStd(changed, u);
    assertArrayEquals(before.mean().toFloatArray(), after.mean().toFloatArray(), 1e-6f);
    assertArrayEquals(before.logStd().toFloatArray(), after.logStd().toFloatArray(), 1e-6f);
    // … while changing the first channel moves the later ones.
    NDArray first = z.add(manager.create(new float[] {1.5f, 0, 0, 0}).reshape(1, 4, 1, 1));
    DiagonalGaussian moved = prior.meanAndLogStd(first, u);
    assertArrayEquals(before.mean().get(":, 0").toFloatArray(), moved.mean().get(":, 0").toFloatArray(), 1e-6f);
    assertTrue(moved.mean().get(":, 1:").sub(before.mean().get(":, 1:")).abs().max().getFloat() > 1e-3, "channel 1.. ignore channel 0");
  }

  @Test
  void startsAsTheStandardNormalAndRandomisedParametersChangeTheLikelihood() {
    Case c = cases().findFirst().orElseThrow();
    MarFlowPrior prior = Priors.create(manager, LATENT, c.condition(), c.options(), 7);
    NDArray z = latent(2, 8);
    NDArray u = condition(c, 2, 9);
    float[] fresh = prior.logProb(z, u, FlowPass.encoding()).toFloatArray();
    float[] zv = z.toFloatArray();
    for (int b = 0; b < 2; b++) {
      double expected = 0;
      for (int j = 0; j < LATENT.size(); j++) {
        double x = zv[b * LATENT.size() + j];
        expected += -0.5 * x * x - 0.5 * Math.log(2 * Math.PI);
      }
      assertEquals(expected, fresh[b], 1e-3, "the zero-initialised output must give N(0, I)");
    }
    Priors.randomize(prior, 10, 0.3);
    float[] changed = prior.logProb(z, u, FlowPass.encoding()).toFloatArray();
    for (int b = 0; b < 2; b++) {
      assertTrue(Math.abs(changed[b] - fresh[b]) > 0.1, "randomised parameters left log p unchanged: " + changed[b] + " vs " + fresh[b]);
    }
    // The condition matters too.
    float[] otherCondition = prior.logProb(z, condition(c, 2, 11), FlowPass.encoding()).toFloatArray();
    assertTrue(Math.abs(otherCondition[0] - changed[0]) > 1e-3, "the condition does not reach the prior");
  }

  static Stream<Object[]> samplingCases() {
    return cases().flatMap(c -> Stream.of(new Object[] {c, 1L}, new Object[] {c, 5L}));
  }

  @ParameterizedTest
  @MethodSource("samplingCases")
  void temperatureZeroGivesTheChainOfMeans(Case c, long batch) {
    MarFlowPrior prior = randomised(c, 12);
    NDArray u = condition(c, batch, 13);
    NDArray z = prior.sample(manager, u, batch, FlowPass.sampling(0, new Noise(14)));
    assertEquals(LATENT.batched(batch), z.getShape());
    NDArray mean = prior.meanAndLogStd(z, u).mean();
    assertTrue(mean.sub(z).abs().max().getFloat() < 1e-5, "z_c ≠ μ_c(z_<c) at temperature 0");
    assertTrue(z.abs().max().getFloat() > 1e-3, "the chain of means is zero: the test would be vacuous");
    assertFalse(prior.logProb(z, u, FlowPass.encoding()).isNaN().any().getBoolean());
  }

  @ParameterizedTest
  @MethodSource("samplingCases")
  void samplesAreMeanPlusTemperatureTimesStdTimesTheNoise(Case c, long batch) {
    MarFlowPrior prior = randomised(c, 15);
    NDArray u = condition(c, batch, 16);
    double temperature = 0.7;
    NDArray z = prior.sample(manager, u, batch, FlowPass.sampling(temperature, new Noise(17)));
    DiagonalGaussian p = prior.meanAndLogStd(z, u);
    NDArray eps = new Noise(17).normal(manager, LATENT.batched(batch));
    NDArray recovered = z.sub(p.mean()).div(p.logStd().exp()).div((float) temperature);
    assertTrue(recovered.sub(eps).abs().max().getFloat() < 1e-4, "sampling does not follow z = μ + T·σ·ε");
    assertTrue(Float.isFinite(prior.logProb(z, u, FlowPass.encoding()).sum().getFloat()));
  }

  @Test
  void theConditionIsCheckedAtUse() {
    Case conditioned = cases().findFirst().orElseThrow();
    MarFlowPrior prior = Priors.create(manager, LATENT, conditioned.condition(), conditioned.options(), 18);
    assertThrows(IllegalArgumentException.class, () -> prior.logProb(latent(2, 1), null, FlowPass.encoding()));
    MarFlowPrior top = Priors.create(manager, LATENT, null, conditioned.options(), 18);
    assertThrows(IllegalArgumentException.class, () -> top.logProb(latent(2, 1), condition(conditioned, 2, 1), FlowPass.encoding()));
    assertThrows(RuntimeException.class, () -> prior.logProb(latent(2, 1), condition(conditioned, 3, 1), FlowPass.encoding()));
  }

  @Test
  void gradientsReachEveryParameter() {
    Case c = cases().findFirst().orElseThrow();
    MarFlowPrior prior = randomised(c, 19);
    NDArray z = latent(2, 20);
    NDArray u = condition(c, 2, 21);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(prior.logProb(z, u, FlowPass.encoding()).sum().neg());
    }
    int checked = 0;
    for (Pair<String, Parameter> p : prior.getParameters()) {
      NDArray g = p.getValue().getArray().getGradient();
      assertTrue(g.abs().max().getFloat() > 0, "no gradient reaches " + p.getKey());
      assertTrue(Float.isFinite(g.sum().getFloat()), "non-finite gradient at " + p.getKey());
      checked++;
    }
    // embedding (2) + 2 layers × (weight, bias) + output (weight, bias, logs)
    assertEquals(9, checked);
  }

  @Test
  void gradientsReachEveryParameterOfThePublishedForm() {
    MarFlowPrior prior = Priors.create(manager, LATENT, CONDITION, PUBLISHED, 30);
    Priors.randomize(prior, 31, 0.3);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(prior.logProb(latent(2, 32), new Noise(33).normal(manager, CONDITION.batched(2)), FlowPass.encoding()).sum().neg());
    }
    int checked = 0;
    for (Pair<String, Parameter> p : prior.getParameters()) {
      assertTrue(p.getValue().getArray().getGradient().abs().max().getFloat() > 0, "no gradient reaches " + p.getKey());
      checked++;
    }
    // embedding-hidden (2) + embedding (2) + input (2) + 2 layers × (weight, bias) + output (3)
    assertEquals(13, checked);
  }

  @Test
  void gradientsSurviveAGarbageCollectionBeforeBackward() {
    // DJL's mul(Number) and friends free their scalar at once while autograd still needs it.
    Case c = cases().findFirst().orElseThrow();
    MarFlowPrior prior = randomised(c, 27);
    NDArray z = latent(2, 28);
    NDArray u = condition(c, 2, 29);
    float[] calm = gradients(prior, z, u, false);
    float[] collected = gradients(prior, z, u, true);
    assertArrayEquals(calm, collected, 0f, "gradients change when a garbage collection runs before backward");
  }

  private static float[] gradients(MarFlowPrior prior, NDArray z, NDArray u, boolean collectGarbage) {
    NDArray zi = z.duplicate();
    zi.setRequiresGradient(true);
    for (Pair<String, Parameter> p : prior.getParameters()) {
      NDArray a = p.getValue().getArray();
      if (a.hasGradient()) {
        a.getGradient().subi(a.getGradient());
      }
    }
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss = prior.logProb(zi, u, FlowPass.encoding()).sum();
      if (collectGarbage) {
        for (int i = 0; i < 3; i++) {
          System.gc();
        }
      }
      gc.backward(loss);
    }
    java.util.List<Float> all = new java.util.ArrayList<>();
    for (float v : zi.getGradient().toFloatArray()) {
      all.add(v);
    }
    for (Pair<String, Parameter> p : prior.getParameters()) {
      for (float v : p.getValue().getArray().getGradient().toFloatArray()) {
        all.add(v);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  @Test
  void savingAndLoadingKeepsTheLikelihood() throws Exception {
    Case c = cases().findFirst().orElseThrow();
    MarFlowPrior prior = randomised(c, 22);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    prior.saveParameters(new DataOutputStream(bytes));
    MarFlowPrior copy = Priors.create(manager, LATENT, c.condition(), c.options(), 999);
    NDArray z = latent(2, 23);
    NDArray u = condition(c, 2, 24);
    copy.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertArrayEquals(prior.logProb(z, u, FlowPass.encoding()).toFloatArray(), copy.logProb(z, u, FlowPass.encoding()).toFloatArray(), 0f);
  }

  @Test
  void parameterCountsFollowTheArchitecture() {
    MarFlowOptions o = MarFlowOptions.defaults();
    long k2 = (long) o.kernel() * o.kernel();
    long h = o.hidden();
    long e = o.embed();
    long unconditioned = (4 * h * (1 + h) * k2 + 4 * h) + (o.layers() - 1) * (4 * h * 2 * h * k2 + 4 * h) + (2 * h * k2 + 2 + 2);
    assertEquals(186_436, unconditioned);
    StringBuilder table = new StringBuilder("MaRFlow prior parameters (layers 3, hidden 32, kernel 3, embed 32):");
    for (int channels : new int[] {2, 4, 16}) {
      ImageShape latent = new ImageShape(channels, 4, 4);
      MarFlowPrior top = new MarFlowPrior(latent, null, o, new java.util.Random(0));
      MarFlowPrior split = new MarFlowPrior(latent, latent, o, new java.util.Random(0));
      long conditioned = unconditioned + e * channels * k2 + e + 4 * h * e * k2;
      assertEquals(unconditioned, top.freeParameterCount(), "C = " + channels + " without condition");
      assertEquals(conditioned, split.freeParameterCount(), "C = " + channels + " given " + channels + " channels");
      table.append(String.format("%n  C = %2d: %,d without a condition, %,d given a condition of %d channels",
          channels, top.freeParameterCount(), split.freeParameterCount(), channels));
    }
    System.out.println(table);
  }

  @Test
  void parameterCountsOfThePublishedForm() {
    // CIFAR-10's first split: 6 channels given 6, 5×5 gates, embedding 6 → 32 → 4 by 5×5, 3×3 output.
    MarFlowOptions o = new MarFlowOptions(3, 32, 5, 2, 4, 32, 5, true, 3);
    MarFlowPrior split = new MarFlowPrior(new ImageShape(6, 16, 16), new ImageShape(6, 16, 16), o, new java.util.Random(0));
    long embedding = (6 * 32 * 25 + 32) + (32 * 4 * 25 + 4);
    long input = 5 * 32 * 25 + 32;
    long lstm = 3 * (4 * 32 * 64 * 25 + 4 * 32);
    long output = 32 * 2 * 9 + 2 + 2;
    assertEquals(embedding + input + lstm + output, split.freeParameterCount());
    assertEquals(32, split.cells().get(0).inputs(), "the input convolution feeds the first layer");
  }

  @Test
  void worksInAScopeWithTheSamplingManager() {
    Case c = cases().skip(1).findFirst().orElseThrow();
    MarFlowPrior prior = randomised(c, 25);
    try (NDManager sub = manager.newSubManager()) {
      NDArray z = prior.sample(sub, null, 2, FlowPass.sampling(1.0, new Noise(26)));
      assertEquals(sub, z.getManager());
      assertEquals(DataType.FLOAT32, z.getDataType());
      assertEquals(new Shape(2), prior.logProb(z, null, FlowPass.encoding()).getShape());
    }
  }
}
