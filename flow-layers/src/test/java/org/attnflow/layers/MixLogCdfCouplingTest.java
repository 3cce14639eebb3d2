package org.attnflow.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The logistic-mixture CDF coupling in float64: the layer contract at tight tolerances, inputs in
 * the tails, a mixture with one dominant component against its closed form, the identity at
 * initialisation, and the bisection inverse over 10,000 random inputs.
 */
class MixLogCdfCouplingTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final int K = 4;
  private static final String CONFIG = "type = mixlogcdf, hidden = 8, components = " + K;
  private static final ImageShape SHAPE = new ImageShape(4, 2, 2);
  /** Brute-force and claimed log-dets agree to float64 rounding, far below float32's 2e-3. */
  private static final double LOG_DET_TOLERANCE = 1e-9;

  private static LayerContract contract(ImageShape shape) {
    return LayerContract.of(Layers.factory(REGISTRY, CONFIG, shape, 0, 42))
        .dataType(DataType.FLOAT64)
        .roundTripTolerance(LogisticMixture.TOLERANCE)
        .logDetTolerance(LOG_DET_TOLERANCE);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 3})
  void meetsTheContractInFloat64(int channels) {
    contract(new ImageShape(channels, 2, 2)).verifyAll();
  }

  @Test
  void isTheIdentityAtInitialisation() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = Layers.factory(REGISTRY, CONFIG, SHAPE, 0, 42).get();
      layer.initialize(manager, DataType.FLOAT64, SHAPE.batched(2));
      NDArray x = tails(manager, 8).concat(contract(SHAPE).input(manager, SHAPE), 0);
      FlowOutput out = layer.forward(x, FlowPass.encoding());
      assertEquals(0, out.value().sub(x).abs().max().getDouble(), 1e-12);
      assertEquals(0, out.logDet().abs().max().getDouble(), 1e-11);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {8, 16})
  void invertsAndMatchesTheJacobianInTheTails(double least) {
    LayerContract contract = contract(SHAPE);
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = contract.prepare(manager, 7);
      verifyAt(contract, layer, tails(manager, least));
    }
  }

  @Test
  void invertsAndMatchesTheJacobianWithOneDominantComponent() {
    LayerContract contract = contract(SHAPE);
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = contract.prepare(manager, 7);
      NDArray bias = outputBias(layer);
      double[] b = bias.toDoubleArray();
      for (int c = 0; c < 2; c++) {
        b[c * (3 * K + 2) + 2] += 40;
      }
      bias.set(b);
      verifyAt(contract, layer, contract.input(manager, SHAPE));
      verifyAt(contract, layer, tails(manager, 8));
    }
  }

  /**
   * With the network's output fixed to its bias (weights zero), h is constant; a first logit of 40
   * leaves the others a total weight of about e^{−40}, so where σ(±z₀) ≫ e^{−40} (|x − μ₀| ≲ 20·e^{ℓ₀}:
   * not in the far tails, where the other components' tails take over) y₂ = ((x₂ − μ₀)·e^{−ℓ₀} +
   * b)·e^{tanh(a)}.
   */
  @Test
  void aDominantComponentGivesItsLogisticInClosedForm() {
    double rawA = 0.3;
    double shift = 0.5;
    double mean = 1.5;
    double logScale = -1;
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = Layers.factory(REGISTRY, CONFIG, SHAPE, 0, 42).get();
      layer.initialize(manager, DataType.FLOAT64, SHAPE.batched(2));
      NDArray bias = outputBias(layer);
      double[] b = new double[(int) bias.size()];
      Random random = new Random(5);
      for (int i = 0; i < b.length; i++) {
        b[i] = random.nextGaussian();
      }
      for (int c = 0; c < 2; c++) {
        int base = c * (3 * K + 2);
        b[base] = rawA;
        b[base + 1] = shift;
        b[base + 2] = 40;
        b[base + 2 + K] = mean;
        b[base + 2 + 2 * K] = logScale;
      }
      bias.set(b);
      NDArray x = contract(SHAPE).input(manager, SHAPE);
      FlowOutput out = layer.forward(x, FlowPass.encoding());
      double[] in = x.toDoubleArray();
      double[] y = out.value().toDoubleArray();
      double a = Math.tanh(rawA);
      for (int k = 0; k < in.length; k++) {
        boolean changed = (k % SHAPE.size()) >= 2 * SHAPE.positions();
        double expected = changed ? ((in[k] - mean) * Math.exp(-logScale) + shift) * Math.exp(a) : in[k];
        assertEquals(expected, y[k], 1e-9 * Math.max(1, Math.abs(expected)), "entry " + k);
      }
      double logDet = 2 * SHAPE.positions() * (a - logScale);
      for (double d : out.logDet().toDoubleArray()) {
        assertEquals(logDet, d, 1e-9);
      }
      LayerContract contract = contract(SHAPE);
      assertTrue(contract.verifyRoundTrip(layer, x) <= LogisticMixture.TOLERANCE);
    }
  }

  /**
   * 10,000 inputs spread over the centre and both tails, through one mixture with a narrow, a wide
   * and an offset component: the inverse meets {@link LogisticMixture#TOLERANCE} at every one, and
   * is non-decreasing in the logit it inverts.
   */
  @Test
  void theBisectionInverseIsMonotoneAndMeetsItsTolerance() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape mixtureShape = new Shape(1, 1, 5, 1, 1);
      LogisticMixture mixture = LogisticMixture.of(
          manager.create(new double[] {0.5, -1, 2, 0, -3}, mixtureShape),
          manager.create(new double[] {-4, 0, 1, 6, 20}, mixtureShape),
          manager.create(new double[] {-6, 2, 0, -1, -9}, mixtureShape));
      Random random = new Random(11);
      double[] values = new double[10_000];
      for (int i = 0; i < values.length; i++) {
        values[i] = 8 * random.nextGaussian();
      }
      NDArray x = manager.create(values, new Shape(1, 1, 100, 100));
      double[] u = mixture.logit(x).toDoubleArray();
      double[] back = mixture.inverseLogit(manager.create(u, x.getShape())).toDoubleArray();
      Integer[] order = new Integer[u.length];
      for (int i = 0; i < u.length; i++) {
        order[i] = i;
        assertEquals(values[i], back[i], LogisticMixture.TOLERANCE, "input " + i + " with logit " + u[i]);
      }
      java.util.Arrays.sort(order, (i, j) -> Double.compare(u[i], u[j]));
      for (int n = 1; n < order.length; n++) {
        assertTrue(back[order[n]] >= back[order[n - 1]],
            "the inverse decreases between logits " + u[order[n - 1]] + " and " + u[order[n]]);
      }
    }
  }

  private static void verifyAt(LayerContract contract, FlowLayer layer, NDArray x) {
    contract.verifyFinite(layer, x);
    contract.verifyRoundTrip(layer, x);
    contract.verifyInverseLogDet(layer, x);
    contract.verifyLogDetAgainstJacobian(layer, x);
  }

  /** Two samples whose every entry has |x| ≥ {@code least}, of both signs. */
  private static NDArray tails(NDManager manager, double least) {
    double[] v = new double[2 * SHAPE.size()];
    Noise noise = new Noise(3);
    double[] draws = noise.normal(manager, new Shape(v.length)).toType(DataType.FLOAT64, false).toDoubleArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.copySign(least + 4 * Math.abs(draws[i]), draws[i]);
    }
    return manager.create(v, SHAPE.batched(2));
  }

  private static NDArray outputBias(FlowLayer layer) {
    String key = layer.getParameters().keys().stream().filter(k -> k.endsWith("out_bias")).findFirst()
        .orElseThrow(() -> new AssertionError("no output bias among " + layer.getParameters().keys()));
    return layer.getParameters().get(key).getArray();
  }
}
