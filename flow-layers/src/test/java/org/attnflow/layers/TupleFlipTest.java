package org.attnflow.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.math.FlowMath;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** tuple-flip swaps the coupling halves [x₁, x₂] → [x₂, x₁], for odd channel counts too. */
class TupleFlipTest {
  private static final Registry REGISTRY = Registry.builtIn();

  @ParameterizedTest
  @ValueSource(ints = {2, 4, 5})
  void swapsTheHalvesAndMeetsTheContract(int channels) {
    ImageShape shape = new ImageShape(channels, 2, 2);
    LayerContract contract = LayerContract.of(Layers.factory(REGISTRY, "type = tuple-flip", shape, 0, 1));
    contract.verifyAll();
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = contract.prepare(manager, 0);
      NDArray x = contract.input(manager, shape);
      NDList halves = FlowMath.splitChannels(x, channels / 2);
      NDArray swapped = NDArrays.concat(new NDList(halves.get(1), halves.get(0)), 1);
      assertArrayEquals(swapped.toFloatArray(), layer.forward(x, FlowPass.encoding()).value().toFloatArray(), 0f);
    }
  }
}
