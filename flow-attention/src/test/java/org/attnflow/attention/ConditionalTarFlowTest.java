package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.Supplier;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Guidable;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A TarFlow block in a class-conditional model meets the layer contract for each class with every
 * inverse, and its guided passes are flows of their own: guidance 0 is the plain conditional pass
 * bit for bit, and a positive weight gives another deterministic map whose three inverses agree
 * and undo its guided forward, and which meets the whole contract (log-det against the brute-force
 * Jacobian included) for each class.
 */
class ConditionalTarFlowTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final String SMALL = "type = tarflow, width = 8, depth = 2, heads = 2, mlp-ratio = 2";
  private static final ImageShape SHAPE = new ImageShape(2, 4, 4);
  private static final int CLASSES = 3;
  private static final double MODERATE = 0.05;

  /**
   * Each inverse; the Jacobi one with parameters perturbed by 0.05 rather than 0.2, under which its
   * early iterates overflow as they do without classes (TarFlow's Javadoc).
   */
  @ParameterizedTest
  @CsvSource({"cached, 0.2", "recompute, 0.2", "'jacobi, jacobi-tolerance = 0', 0.05"})
  void meetsTheContractForEachOfThreeClasses(String inverse, double perturbation) {
    contract(SMALL + ", inverse = " + inverse, 1).classes(CLASSES).perturbation(perturbation).verifyAll();
  }

  @Test
  void takesGuidanceOnlyWhenItTakesTheClass() {
    assertTrue(((Guidable) factory(SMALL, CLASSES).get()).takesGuidance());
    assertFalse(((Guidable) factory(SMALL + ", conditioned = false", CLASSES).get()).takesGuidance());
    assertFalse(((Guidable) factory(SMALL, 0).get()).takesGuidance());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cached", "recompute", "jacobi"})
  void guidanceZeroIsThePlainConditionalInverseBitForBit(String inverse) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = prepared(SMALL + ", inverse = " + inverse, manager);
      NDArray z = new Noise(3).normal(manager, SHAPE.batched(4)).toType(DataType.FLOAT64, false);
      double[] plain = values(layer.inverse(z, sampling(manager)).value());
      double[] guidedByZero = values(layer.inverse(z, sampling(manager).guided(0)).value());
      assertArrayEquals(plain, guidedByZero, 0);
    }
  }

  @Test
  void aPositiveWeightGivesAnotherDeterministicFlowWhoseInversesAgreeAndUndoItsForward() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray z = new Noise(3).normal(manager, SHAPE.batched(4)).toType(DataType.FLOAT64, false);
      FlowLayer cachedLayer = prepared(SMALL + ", inverse = cached", manager);
      double[] plain = values(cachedLayer.inverse(z, sampling(manager)).value());
      NDArray guided = cachedLayer.inverse(z, sampling(manager).guided(2)).value();
      assertArrayEquals(values(guided), values(cachedLayer.inverse(z, sampling(manager).guided(2)).value()), 0,
          "the guided inverse is not deterministic");
      double change = 0;
      for (int i = 0; i < plain.length; i++) {
        change = Math.max(change, Math.abs(plain[i] - values(guided)[i]));
      }
      assertTrue(change > 1e-6, "guidance 2 gives the unguided samples");
      assertArrayEquals(values(z), values(cachedLayer.forward(guided, encoding(manager).guided(2)).value()), 1e-9,
          "the guided forward does not undo the guided inverse");
      double[] recomputed = values(prepared(SMALL + ", inverse = recompute", manager).inverse(z, sampling(manager).guided(2)).value());
      double[] jacobi = values(prepared(SMALL + ", inverse = jacobi, jacobi-tolerance = 0", manager)
          .inverse(z, sampling(manager).guided(2)).value());
      assertArrayEquals(values(guided), recomputed, 1e-10, "the recomputed guided inverse differs from the cached one");
      assertArrayEquals(values(guided), jacobi, 1e-9, "the Jacobi guided inverse differs from the cached one");
    }
  }

  /** The guided map is a flow of its own: the whole contract (round trip, log-det against the Jacobian, …) holds under guidance 2. */
  @ParameterizedTest
  @CsvSource({"cached, 0.2", "'jacobi, jacobi-tolerance = 0', 0.05"})
  void theGuidedBlockMeetsTheContractForEachOfThreeClasses(String inverse, double perturbation) {
    Supplier<FlowLayer> block = Layers.factory(REGISTRY, SMALL + ", inverse = " + inverse, SHAPE, 1, 42, CLASSES);
    LayerContract.of(() -> new GuidedByTwo(block.get())).classes(CLASSES).perturbation(perturbation)
        .dataType(DataType.FLOAT64).roundTripTolerance(1e-9).logDetTolerance(1e-9).verifyAll();
  }

  @Test
  void aBlockThatTakesNoClassIgnoresGuidance() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = prepared(SMALL + ", conditioned = false", manager);
      NDArray z = new Noise(3).normal(manager, SHAPE.batched(4)).toType(DataType.FLOAT64, false);
      assertArrayEquals(values(layer.inverse(z, sampling(manager)).value()),
          values(layer.inverse(z, sampling(manager).guided(2)).value()), 0);
    }
  }

  /** A sampling pass of four samples of classes 0, 1, 2, 0. */
  private static FlowPass sampling(NDManager manager) {
    return FlowPass.sampling(1, new Noise(1)).conditionedOn(classes(manager));
  }

  /** An encoding pass of the same four samples. */
  private static FlowPass encoding(NDManager manager) {
    return FlowPass.encoding().conditionedOn(classes(manager));
  }

  /** Classes 0, 1, 2, 0. */
  private static Condition classes(NDManager manager) {
    return Condition.ofClasses(manager, new int[] {0, 1, 2, 0}, CLASSES);
  }

  private static FlowLayer prepared(String config, NDManager manager) {
    return contract(config, 0).classes(CLASSES).perturbation(MODERATE).prepare(manager, 7);
  }

  private static LayerContract contract(String config, int step) {
    return LayerContract.of(Layers.factory(REGISTRY, config, SHAPE, step, 42, CLASSES))
        .dataType(DataType.FLOAT64).roundTripTolerance(1e-9).logDetTolerance(1e-9);
  }

  private static Supplier<FlowLayer> factory(String config, int classes) {
    return Layers.factory(REGISTRY, config, SHAPE, 0, 42, classes);
  }

  private static double[] values(NDArray a) {
    return a.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  /** A block whose every (conditioned) pass, in both directions, is guided with weight 2. */
  private static final class GuidedByTwo extends FlowLayer {
    private final FlowLayer block;

    GuidedByTwo(FlowLayer block) {
      super(block.inputShape());
      this.block = child("block", block);
    }

    @Override
    protected FlowOutput transform(NDArray x, FlowPass pass) {
      return block.forward(x, guided(pass));
    }

    @Override
    protected FlowOutput invert(NDArray y, FlowPass pass) {
      return block.inverse(y, guided(pass));
    }

    /** The pass guided afresh: its guidance's arrays then live in this layer's scope, as the block's do. */
    private static FlowPass guided(FlowPass pass) {
      return pass.guided(2);
    }
  }
}
