package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
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

/** iMap and iTrans meet the layer contract, with random parameters, in every option. */
class AttentionContractTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape SMALL = new ImageShape(4, 4, 4);
  private static final ImageShape THIN = new ImageShape(2, 4, 4);
  private static final ImageShape WIDE = new ImageShape(2, 8, 8);

  /** One configuration of a layer, its input shape and its step index. */
  record Case(String config, ImageShape shape, int step) {
    @Override
    public String toString() {
      return config + " on " + shape + " at step " + step;
    }
  }

  static Stream<Case> configurations() {
    return Stream.of(
        new Case("type = imap", SMALL, 0),
        new Case("type = imap", SMALL, 1),
        new Case("type = imap, alternate = false", THIN, 1),
        new Case("type = imap, mask { type = checkerboard, grid = 2 }", SMALL, 0),
        new Case("type = imap, mask { type = channel-halves }", SMALL, 1),
        new Case("type = imap, mask { type = spatial-halves }", THIN, 0),
        new Case("type = imap, mixing = spatial", SMALL, 0),
        new Case("type = imap, mixing = spatial, mask { type = spatial-halves }", THIN, 1),
        new Case("type = itrans", SMALL, 0),
        new Case("type = itrans", SMALL, 1),
        new Case("type = itrans", WIDE, 0),
        new Case("type = itrans, causal = true", SMALL, 0),
        new Case("type = itrans, causal = true", WIDE, 1),
        new Case("type = itrans, learn-lambda = true, lambda = 1.5", SMALL, 0),
        new Case("type = itrans, lambda = 2.0, causal = true", THIN, 0),
        new Case("type = itrans, gate = true", SMALL, 0),
        new Case("type = itrans, gate = true, gate-init = 0.5, causal = true", SMALL, 1),
        new Case("type = itrans, mask { type = channel-halves }", SMALL, 1),
        new Case("type = itrans, patch = 4", WIDE, 0),
        new Case("type = itrans, patch = 4, mask { type = checkerboard, grid = 2 }, gate = true", WIDE, 1));
  }

  @ParameterizedTest
  @MethodSource("configurations")
  void meetsTheContract(Case c) {
    LayerContract.of(Layers.factory(REGISTRY, c.config(), c.shape(), c.step(), 42)).verifyAll();
  }

  /** The attention layers in a model of three classes: their scores also see the class. */
  static Stream<Case> conditionalConfigurations() {
    return Stream.of(
        new Case("type = imap", SMALL, 0),
        new Case("type = imap, mixing = spatial, class-channels = 3", SMALL, 1),
        new Case("type = itrans", SMALL, 0),
        new Case("type = itrans, causal = true", WIDE, 1),
        new Case("type = itrans, gate = true, gate-init = 0.5", SMALL, 0));
  }

  @ParameterizedTest
  @MethodSource("conditionalConfigurations")
  void meetsTheContractForEachOfThreeClasses(Case c) {
    LayerContract.of(Layers.factory(REGISTRY, c.config(), c.shape(), c.step(), 42, 3))
        .classes(3)
        .dataType(DataType.FLOAT64)
        .roundTripTolerance(1e-10)
        .logDetTolerance(1e-9)
        .verifyAll();
  }

  @Test
  void discoversTheAttentionLayersAndMasks() {
    assertTrue(REGISTRY.providers(PluginKind.LAYER).keySet().containsAll(List.of("imap", "itrans", "tarflow")));
    assertTrue(REGISTRY.providers(PluginKind.MASK).keySet().containsAll(List.of("checkerboard", "channel-halves", "spatial-halves")));
  }
}
