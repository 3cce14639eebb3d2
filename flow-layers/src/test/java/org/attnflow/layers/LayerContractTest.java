package org.attnflow.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every layer this module provides, and its options, meets the layer contract with random parameters. */
class LayerContractTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape SHAPE = new ImageShape(4, 4, 4);

  static Stream<String> configurations() {
    List<String> configs = new ArrayList<>();
    for (String type : REGISTRY.providers(PluginKind.LAYER).keySet()) {
      configs.add("type = " + type);
    }
    configs.add("type = invconv, lu = false");
    configs.add("type = affine-coupling, hidden = 8");
    configs.add("type = additive-coupling, hidden = 8");
    configs.add("type = mixlogcdf, hidden = 8, components = 4");
    configs.add("type = affine-coupling, hidden = 8, network { type = flowpp, blocks = 2, heads = 2 }");
    configs.add("type = additive-coupling, hidden = 8, network { type = flowpp, blocks = 1, heads = 4, dropout = 0 }");
    configs.add("type = mixlogcdf, hidden = 8, components = 3, network { type = flowpp, blocks = 1, heads = 2 }");
    configs.add("type = split, prior { type = learned }");
    configs.add("type = split, prior { type = standard-normal }");
    return configs.stream();
  }

  @ParameterizedTest
  @MethodSource("configurations")
  void meetsTheContract(String config) {
    LayerContract contract = LayerContract.of(Layers.factory(REGISTRY, config, SHAPE, 0, 42));
    if (config.equals("type = mixlogcdf")) {
      // Perturbed by the usual 0.2, hidden = 512 predicts log-scales up to 69 and log-weights 250
      // apart: the CDF is then flat to float64 precision over whole intervals, where no inverse can
      // recover x. At 0.1 the mixture stays one that float32 inverts within 1e-4.
      contract.perturbation(0.1);
    }
    contract.verifyAll();
  }

  /** Every layer of this module that takes the class in a class-conditional model. */
  static Stream<String> conditionalConfigurations() {
    return Stream.of(
        "type = affine-coupling, hidden = 8",
        "type = additive-coupling, hidden = 8, class-channels = 3",
        "type = mixlogcdf, hidden = 8, components = 4",
        "type = affine-coupling, hidden = 8, network { type = flowpp, blocks = 1, heads = 2 }",
        "type = split",
        "type = split, prior { type = learned }",
        "type = split, prior { type = standard-normal }");
  }

  @ParameterizedTest
  @MethodSource("conditionalConfigurations")
  void meetsTheContractForEachOfThreeClasses(String config) {
    LayerContract.of(Layers.factory(REGISTRY, config, SHAPE, 0, 42, 3))
        .classes(3)
        // the class embedding's N(0, 1) inputs widen mixlogcdf's mixtures; at 0.1 they stay invertible (see above)
        .perturbation(config.startsWith("type = mixlogcdf") ? 0.1 : 0.2)
        .dataType(DataType.FLOAT64)
        .roundTripTolerance(1e-7)
        .logDetTolerance(1e-9)
        .verifyAll();
  }

  @Test
  void aLayerThatIgnoresTheClassFailsTheConditionalContract() {
    LayerContract contract = LayerContract.of(Layers.factory(REGISTRY, "type = actnorm", SHAPE, 0, 42, 3)).classes(3);
    AssertionFailedError e = assertThrows(AssertionFailedError.class, contract::verifyAll);
    assertTrue(e.getMessage().contains("another class gives the same output"), e.getMessage());
  }

  @Test
  void theClassEmbeddingAddsItsTableAndTheNetworksInputsOnlyWhenConditioned() {
    try (NDManager manager = NDManager.newBaseManager()) {
      long unconditional = parameters(manager, "type = affine-coupling, hidden = 8", 0);
      // K·E for the table, and E more inputs of the network's first 3×3 convolution (8 wide)
      assertEquals(unconditional + 3 * 5 + 5 * 8 * 9, parameters(manager, "type = affine-coupling, hidden = 8, class-channels = 5", 3));
      assertEquals(unconditional, parameters(manager, "type = affine-coupling, hidden = 8, conditioned = false", 3));
    }
  }

  private static long parameters(NDManager manager, String config, int classes) {
    FlowLayer layer = Layers.factory(REGISTRY, config, SHAPE, 0, 42, classes).get();
    layer.initialize(manager, DataType.FLOAT32, SHAPE.batched(1));
    return layer.freeParameterCount();
  }

  @Test
  void discoversEveryGlowLayer() {
    assertTrue(REGISTRY.providers(PluginKind.LAYER).keySet().containsAll(
        List.of("actnorm", "invconv", "affine-coupling", "additive-coupling", "squeeze", "split", "reverse", "shuffle",
        "mixlogcdf", "tuple-flip")));
    assertEquals(List.of("standard-normal", "learned", "conditional-gaussian"),
        List.copyOf(REGISTRY.providers(PluginKind.PRIOR).keySet()));
    assertEquals(List.of("glow", "flowpp"), List.copyOf(REGISTRY.providers(PluginKind.NETWORK).keySet()));
  }
}
