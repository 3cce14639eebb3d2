package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.attnflow.api.AttentionLayer;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** iMap scales exactly as docs/maths.md says, and attention layers alternate their masks. */
class IMapTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape SHAPE = new ImageShape(4, 4, 4);

  @ParameterizedTest
  @ValueSource(strings = {"channel", "spatial"})
  void scalesMaskedEntriesBySigmaOfSAndTheOthersByTheAttentionMap(String mixing) {
    LayerContract contract = LayerContract.of(Layers.factory(REGISTRY, "type = imap, mixing = " + mixing, SHAPE, 0, 3));
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = contract.prepare(manager, 4);
      NDArray x = contract.input(manager, SHAPE);
      float[] in = x.toFloatArray();
      float[] out = layer.forward(x, FlowPass.encoding()).value().toFloatArray();
      NDArray map = ((AttentionLayer) layer).attentionMap(x);
      assertEquals(new Shape(2, 1, 4, 4), map.getShape());
      float[] weights = map.toFloatArray();
      float[] s = layer.getParameters().get("s").getArray().toFloatArray();
      float[] mask = new CheckerboardMask(1).pattern(SHAPE);
      int perSample = SHAPE.size();
      for (int k = 0; k < in.length; k++) {
        int c = (k % perSample) / SHAPE.positions();
        int p = k % SHAPE.positions();
        double scale = mask[k % perSample] == 1f ? sigmoid(s[c] + 2) : weights[(k / perSample) * SHAPE.positions() + p];
        assertTrue(scale > 0 && scale < 1);
        assertEquals(scale * in[k], out[k], 1e-6, "entry " + k);
      }
    }
  }

  @Test
  void oddStepsUseTheComplementWhenAlternating() {
    for (String type : new String[] {"imap", "itrans"}) {
      float[] even = mask("type = " + type, 0);
      float[] odd = mask("type = " + type, 1);
      for (int k = 0; k < even.length; k++) {
        assertEquals(1f - even[k], odd[k], type);
      }
      assertArrayEquals(even, mask("type = " + type + ", alternate = false", 1), type);
      assertArrayEquals(new CheckerboardMask(1).pattern(SHAPE), even, type);
    }
  }

  private static float[] mask(String config, int step) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = Layers.factory(REGISTRY, config, SHAPE, step, 1).get();
      layer.initialize(manager, DataType.FLOAT32, SHAPE.batched(1));
      return layer.getParameters().get("mask").getArray().toFloatArray();
    }
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }
}
