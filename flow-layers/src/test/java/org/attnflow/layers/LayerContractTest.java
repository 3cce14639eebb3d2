package org.attnflow.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.attnflow.api.ImageShape;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
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
