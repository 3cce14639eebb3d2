package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.IterativeInverse;
import org.attnflow.api.Noise;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TarFlow block meets the layer contract in float64 alone and stacked, its three inverses
 * agree, it starts as the identity, alternates its order by step, and refuses what it cannot do.
 */
class TarFlowTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final String SMALL = "type = tarflow, width = 8, depth = 2, heads = 2, mlp-ratio = 2";
  private static final ImageShape TINY = new ImageShape(1, 4, 4);
  /** A perturbation of the parameters under which the Jacobi iteration converges over 16 tokens. */
  private static final double MODERATE = 0.05;

  /** One configuration of a block, its input shape and its step index. */
  static Stream<AttentionContractTest.Case> configurations() {
    return Stream.of(
        new AttentionContractTest.Case(SMALL, TINY, 0),
        new AttentionContractTest.Case(SMALL, TINY, 1),
        new AttentionContractTest.Case(SMALL + ", reverse = true, alternate = false", TINY, 0),
        new AttentionContractTest.Case(SMALL, new ImageShape(3, 4, 4), 0),
        new AttentionContractTest.Case(SMALL + ", patch = 4", new ImageShape(2, 8, 8), 1),
        new AttentionContractTest.Case(SMALL + ", depth = 1, heads = 1", new ImageShape(2, 8, 8), 0),
        new AttentionContractTest.Case(SMALL + ", inverse = recompute", new ImageShape(3, 4, 4), 1),
        new AttentionContractTest.Case(SMALL + ", inverse = jacobi, jacobi-tolerance = 0", TINY, 0));
  }

  @ParameterizedTest
  @MethodSource("configurations")
  void meetsTheContractInDoublePrecision(AttentionContractTest.Case c) {
    doublePrecision(factory(c.config(), c.shape(), c.step())).verifyAll();
  }

  /**
   * The Jacobi inverse over 16 tokens, with parameters perturbed by 0.05 rather than 0.2: with
   * larger random log-scales the early iterates overflow (TarFlow's Javadoc), as they would not
   * in a trained block.
   */
  @Test
  void theJacobiInverseMeetsTheContractOverSixteenTokens() {
    doublePrecision(factory(SMALL + ", inverse = jacobi, jacobi-tolerance = 0", new ImageShape(2, 8, 8), 1))
        .perturbation(MODERATE).verifyAll();
  }

  @Test
  void twoStackedBlocksOfOppositeOrderMeetTheContract() {
    Supplier<FlowLayer> first = factory(SMALL, TINY, 0);
    Supplier<FlowLayer> second = factory(SMALL, TINY, 1);
    doublePrecision(() -> new Stacked(first.get(), second.get())).verifyAll();
  }

  @ParameterizedTest
  @CsvSource({"1, 4, 4, 2", "3, 8, 8, 2", "2, 8, 8, 4"})
  void theCachedInverseIsTheRecomputedOneAndJacobiAgreesWithinItsTolerance(int c, int h, int w, int patch) {
    ImageShape shape = new ImageShape(c, h, w);
    String config = SMALL + ", patch = " + patch;
    double tolerance = 1e-5;
    try (NDManager manager = NDManager.newBaseManager()) {
      LayerContract contract = doublePrecision(factory(config, shape, 0)).perturbation(MODERATE);
      NDArray x = contract.input(manager, shape);
      NDArray z = contract.prepare(manager, 7).forward(x, FlowPass.encoding()).value();
      double[] cached = inverse(manager, config + ", inverse = cached", shape, z);
      double[] recomputed = inverse(manager, config + ", inverse = recompute", shape, z);
      FlowLayer jacobiLayer = doublePrecision(factory(config + ", inverse = jacobi, jacobi-tolerance = " + tolerance, shape, 0))
          .perturbation(MODERATE).prepare(manager, 7);
      double[] jacobi = Values.of(jacobiLayer.inverse(z, FlowPass.sampling(1, new Noise(1))).value());
      assertArrayEquals(Values.of(x), cached, 1e-9, "the cached inverse does not undo the forward");
      assertArrayEquals(recomputed, cached, 1e-10, "the cached inverse differs from the recomputed one");
      assertArrayEquals(cached, jacobi, tolerance, "the Jacobi inverse differs from the cached one by more than its tolerance");
      IterativeInverse.Count count = ((IterativeInverse) jacobiLayer).inverseIterations();
      int tokens = h * w / (patch * patch);
      assertEquals(1, count.calls());
      assertEquals(0, count.unconverged(), "the Jacobi iteration did not reach its tolerance within N iterations");
      assertTrue(count.most() >= 2 && count.most() <= tokens, "iterations " + count.most() + " for " + tokens + " tokens");
    }
  }

  @Test
  void aJacobiIterationStoppedAtItsLimitIsCountedAsUnconverged() {
    try (NDManager manager = NDManager.newBaseManager()) {
      LayerContract contract = doublePrecision(factory(SMALL + ", inverse = jacobi, jacobi-tolerance = 0, jacobi-max-iterations = 1", TINY, 0));
      FlowLayer layer = contract.prepare(manager, 7);
      layer.inverse(contract.input(manager, TINY), FlowPass.sampling(1, new Noise(1)));
      assertEquals(new IterativeInverse.Count(1, 1, 1, 1), ((IterativeInverse) layer).inverseIterations());
    }
  }

  @Test
  void startsAsTheIdentity() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = factory(SMALL, new ImageShape(2, 4, 4), 0).get();
      layer.initialize(manager, DataType.FLOAT32, layer.inputShape().batched(2));
      NDArray x = new Noise(3).normal(manager, layer.inputShape().batched(2));
      FlowOutput out = layer.forward(x, FlowPass.encoding());
      assertArrayEquals(x.toFloatArray(), out.value().toFloatArray(), 0);
      assertArrayEquals(new float[2], out.logDet().toFloatArray(), 0);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                                    | 0 | false",
      "''                                    | 1 | true",
      "', alternate = false'                 | 1 | false",
      "', reverse = true'                    | 0 | true",
      "', reverse = true'                    | 1 | false"})
  void leavesTheFirstTokenOfItsOrderUnchanged(String extra, int step, boolean reversed) {
    try (NDManager manager = NDManager.newBaseManager()) {
      LayerContract contract = LayerContract.of(factory(SMALL + extra, TINY, step));
      FlowLayer layer = contract.prepare(manager, 5);
      assertEquals(reversed, ((TarFlow) layer).reversed());
      NDArray x = contract.input(manager, TINY);
      NDArray z = layer.forward(x, FlowPass.encoding()).value();
      NDIndex firstPatch = new NDIndex(":, :, :2, :2");
      NDIndex lastPatch = new NDIndex(":, :, 2:, 2:");
      NDIndex unchanged = reversed ? lastPatch : firstPatch;
      NDIndex changed = reversed ? firstPatch : lastPatch;
      assertArrayEquals(x.get(unchanged).toFloatArray(), z.get(unchanged).toFloatArray(), 0);
      assertTrue(x.get(changed).sub(z.get(changed)).abs().max().getFloat() > 1e-3, "the other end's token must change");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "type = tarflow, patch = 3                | layer.patch",
      "type = tarflow, patch = 4                | layer.patch",
      "type = tarflow, width = 10, heads = 4    | layer.heads",
      "type = tarflow, inverse = newton         | layer.inverse",
      "type = tarflow, jacobi-tolerance = -1    | layer.jacobi-tolerance"})
  void refusesWhatItCannotDo(String config, String key) {
    ConfigError e = assertThrows(ConfigError.class, () -> factory(config, TINY, 0).get());
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void countsItsParameters() {
    // 1×4×4, P = 2: N = 4 tokens of d = 4; width 8, depth 2, MLP ratio 2
    long embedding = 4 * 8 + 8;
    long positions = 3 * 8;
    long layer = 2 * 2 * 8 + (8 * 24 + 24) + (8 * 8 + 8) + (8 * 16 + 16) + (16 * 8 + 8);
    long head = 8 * 8 + 8;
    assertEquals(embedding + positions + 2 * layer + head, factory(SMALL, TINY, 0).get().freeParameterCount());
  }

  private static double[] inverse(NDManager manager, String config, ImageShape shape, NDArray z) {
    FlowLayer layer = doublePrecision(factory(config, shape, 0)).perturbation(MODERATE).prepare(manager, 7);
    return Values.of(layer.inverse(z, FlowPass.sampling(1, new Noise(1))).value());
  }

  private static Supplier<FlowLayer> factory(String config, ImageShape shape, int step) {
    return Layers.factory(REGISTRY, config, shape, step, 42);
  }

  private static LayerContract doublePrecision(Supplier<? extends FlowLayer> factory) {
    return LayerContract.of(factory).dataType(DataType.FLOAT64).roundTripTolerance(1e-9).logDetTolerance(1e-9);
  }

  /** Two layers one after the other, as two steps of a level run. */
  private static final class Stacked extends FlowLayer {
    private final FlowLayer first;
    private final FlowLayer second;

    Stacked(FlowLayer first, FlowLayer second) {
      super(first.inputShape());
      this.first = child("first", first);
      this.second = child("second", second);
    }

    @Override
    protected FlowOutput transform(NDArray x, FlowPass pass) {
      FlowOutput a = first.forward(x, pass);
      FlowOutput b = second.forward(a.value(), pass);
      return FlowOutput.of(b.value(), pass, () -> a.logDet().add(b.logDet()));
    }

    @Override
    protected FlowOutput invert(NDArray y, FlowPass pass) {
      FlowOutput b = second.inverse(y, pass);
      FlowOutput a = first.inverse(b.value(), pass);
      return FlowOutput.of(a.value(), pass, () -> a.logDet().add(b.logDet()));
    }
  }

  /** Values of an array as doubles, whatever its floating-point type. */
  private static final class Values {
    static double[] of(NDArray a) {
      return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }
  }
}
