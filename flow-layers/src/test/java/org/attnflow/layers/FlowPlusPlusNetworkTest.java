package org.attnflow.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.Jacobians;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Flow++'s coupling network: its shape, a coupling that starts as the identity, and dropout that
 * keeps a training pass exact (its log-det is the Jacobian's of the map it computed, its inverse
 * undoes it) while acting only in training passes.
 */
class FlowPlusPlusNetworkTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape SHAPE = new ImageShape(4, 4, 4);
  private static final String AFFINE = "type = affine-coupling, hidden = 8, network { type = flowpp, heads = 2, dropout = 0.5 }";

  @Test
  void mapsTheConditioningHalfToTheRequestedChannelsAtTheSameSize() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ConditioningNetwork network = new FlowPlusPlusNetwork(new ImageShape(3, 5, 6), 8, 7,
          new FlowPlusPlusNetwork.Options(2, 4, 0.2), new Random(1));
      network.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 5, 6));
      NDArray out = network.apply(new Noise(2).normal(manager, new Shape(2, 3, 5, 6)), FlowPass.encoding());
      assertArrayEquals(new long[] {2, 7, 5, 6}, out.getShape().getShape());
      assertArrayEquals(new long[] {2, 7, 5, 6}, network.getOutputShapes(new Shape[] {new Shape(2, 3, 5, 6)})[0].getShape());
    }
  }

  @Test
  void aCouplingWithTheFlowPlusPlusNetworkStartsAsTheGlowOneDoes() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = new Noise(3).normal(manager, SHAPE.batched(3));
      FlowLayer additive = initialised(manager, "type = additive-coupling, hidden = 8, network { type = flowpp }");
      FlowOutput identity = additive.forward(x, FlowPass.training(new Noise(4)));
      assertArrayEquals(x.toFloatArray(), identity.value().toFloatArray(), 0f, "additive coupling at initialisation");
      assertArrayEquals(new float[3], identity.logDet().toFloatArray(), 0f);

      FlowOutput flowpp = initialised(manager, AFFINE).forward(x, FlowPass.encoding());
      FlowOutput glow = initialised(manager, "type = affine-coupling, hidden = 8").forward(x, FlowPass.encoding());
      assertArrayEquals(glow.value().toFloatArray(), flowpp.value().toFloatArray(), 0f, "affine coupling at initialisation");
      assertArrayEquals(glow.logDet().toFloatArray(), flowpp.logDet().toFloatArray(), 0f);
    }
  }

  @Test
  void aTrainingPassIsExactForItsOwnDropoutMasks() {
    try (NDManager manager = NDManager.newBaseManager()) {
      LayerContract contract = LayerContract.of(Layers.factory(REGISTRY, AFFINE, SHAPE, 0, 5));
      FlowLayer layer = contract.prepare(manager, 5);
      NDArray x = contract.input(manager, SHAPE);
      // every call draws the same masks: the map below is one deterministic function of x
      double[] brute = Jacobians.logAbsDet(xi -> layer.forward(xi, FlowPass.training(new Noise(9))).value().reshape(2, -1), x);
      FlowOutput out = layer.forward(x, FlowPass.training(new Noise(9)));
      float[] claimed = out.logDet().toFloatArray();
      for (int i = 0; i < brute.length; i++) {
        assertEquals(brute[i], claimed[i], 2e-3 * Math.max(1, Math.abs(brute[i])), "log-det of sample " + i);
      }
      NDArray back = layer.inverse(out.value(), FlowPass.training(new Noise(9))).value();
      assertTrue(back.sub(x).abs().max().getFloat() < 1e-4, "the inverse with the same masks undoes the forward");
      contract.verifyGradientsSurviveGarbageCollection(layer, x, () -> FlowPass.training(new Noise(9)));
    }
  }

  @Test
  void dropoutActsInTrainingPassesOnly() {
    try (NDManager manager = NDManager.newBaseManager()) {
      LayerContract contract = LayerContract.of(Layers.factory(REGISTRY, AFFINE, SHAPE, 0, 5));
      FlowLayer layer = contract.prepare(manager, 5);
      NDArray x = contract.input(manager, SHAPE);
      float[] evaluation = layer.forward(x, FlowPass.encoding()).value().toFloatArray();
      assertArrayEquals(evaluation, layer.forward(x, FlowPass.encoding()).value().toFloatArray(), 0f);
      float[] trainingA = layer.forward(x, FlowPass.training(new Noise(1))).value().toFloatArray();
      float[] trainingB = layer.forward(x, FlowPass.training(new Noise(2))).value().toFloatArray();
      assertArrayEquals(trainingA, layer.forward(x, FlowPass.training(new Noise(1))).value().toFloatArray(), 0f);
      assertFalse(Arrays.equals(trainingA, trainingB), "two dropout noises gave the same output");
      assertFalse(Arrays.equals(trainingA, evaluation), "a training pass gave the evaluation output");
    }
  }

  @Test
  void aCouplingDeclaresItsAttentionMatricesToTheMemoryEstimate() {
    // 2 blocks × (scores + weights) × 2 heads × 16² position pairs on 4×4
    assertEquals(2 * 2 * 2 * 16 * 16, Layers.factory(REGISTRY, AFFINE, SHAPE, 0, 1).get().extraActivationsPerSample());
    assertEquals(0, Layers.factory(REGISTRY, "type = affine-coupling, hidden = 8", SHAPE, 0, 1).get().extraActivationsPerSample());
  }

  @Test
  void headsThatDoNotDivideTheWidthAreAConfigurationError() {
    ConfigError e = assertThrows(ConfigError.class, () ->
        Layers.factory(REGISTRY, "type = affine-coupling, hidden = 6, network { type = flowpp, heads = 4 }", SHAPE, 0, 1).get());
    assertTrue(e.getMessage().contains("layer.network.heads:") && e.getMessage().contains("hidden width 6"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "network { blocks = 2 } | layer.network.type",
      "network { type = glow, blocks = 2 } | layer.network.blocks",
      "network { type = flowpp, depth = 2 } | layer.network.depth",
      "network { type = transformer } | layer.network.type",
      "network { type = flowpp, dropout = 1 } | layer.network.dropout",
      "network { type = flowpp, blocks = 0 } | layer.network.blocks"})
  void aWrongNetworkBlockIsAOneLineErrorAtItsKey(String block, String key) {
    ConfigError e = assertThrows(ConfigError.class, () ->
        Layers.factory(REGISTRY, "type = additive-coupling, hidden = 8, " + block, SHAPE, 0, 1).get());
    assertTrue(e.getMessage().contains(key + ":") && !e.getMessage().contains("\n"), e.getMessage());
  }

  private static FlowLayer initialised(NDManager manager, String hocon) {
    FlowLayer layer = Layers.factory(REGISTRY, hocon, SHAPE, 0, 11).get();
    layer.initialize(manager, DataType.FLOAT32, SHAPE.batched(1));
    return layer;
  }
}
