package org.attnflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** Log-dets are skipped in sampling passes only, and a layer cannot skip one that is needed. */
class SkippedLogDetTest {
  private static final ImageShape SHAPE = new ImageShape(2, 2, 2);

  /** Doubles its input, log-det D·log 2, computed only when the pass needs it. */
  private static final class Doubling extends FlowLayer {
    int logDetsComputed;

    Doubling() {
      super(SHAPE);
    }

    @Override
    protected FlowOutput transform(NDArray x, FlowPass pass) {
      return FlowOutput.of(x.add(x), pass, () -> logDet(x, Math.log(2) * SHAPE.size()));
    }

    @Override
    protected FlowOutput invert(NDArray y, FlowPass pass) {
      return FlowOutput.of(org.attnflow.api.math.FlowMath.scale(y, 0.5), pass, () -> logDet(y, -Math.log(2) * SHAPE.size()));
    }

    NDArray logDet(NDArray like, double value) {
      logDetsComputed++;
      return zeroLogDet(like).add((float) value);
    }
  }

  /** Never returns a log-det. */
  private static final class Careless extends FlowLayer {
    Careless() {
      super(SHAPE);
    }

    @Override
    protected FlowOutput transform(NDArray x, FlowPass pass) {
      return FlowOutput.valueOnly(x);
    }

    @Override
    protected FlowOutput invert(NDArray y, FlowPass pass) {
      return FlowOutput.valueOnly(y);
    }
  }

  @Test
  void onlyASamplingPassSkipsTheLogDet() {
    assertTrue(FlowPass.encoding().needsLogDet());
    assertTrue(FlowPass.initializing().needsLogDet());
    assertTrue(FlowPass.encoding().inverse().needsLogDet());
    assertFalse(FlowPass.sampling(0.7, new Noise(0)).needsLogDet());
  }

  @Test
  void aSamplingPassGetsTheValueWithoutComputingTheLogDet() {
    try (NDManager m = NDManager.newBaseManager()) {
      Doubling layer = new Doubling();
      NDArray y = m.ones(SHAPE.batched(3));
      FlowOutput exact = layer.inverse(y, FlowPass.encoding());
      assertNotNull(exact.logDet());
      assertEquals(1, layer.logDetsComputed);
      FlowOutput sampled = layer.inverse(y, FlowPass.sampling(1.0, new Noise(0)));
      assertNull(sampled.logDet());
      assertEquals(1, layer.logDetsComputed);
      assertEquals(exact.value().getFloat(0, 0, 0, 0), sampled.value().getFloat(0, 0, 0, 0));
    }
  }

  @Test
  void aLayerThatSkipsANeededLogDetFailsWithItsPath() {
    try (NDManager m = NDManager.newBaseManager()) {
      FlowLayer layer = new Careless();
      layer.setPath("model.levels[0].steps[1]");
      NDArray x = m.ones(SHAPE.batched(3));
      ShapeException e = assertThrows(ShapeException.class, () -> layer.forward(x, FlowPass.encoding()));
      assertEquals("model.levels[0].steps[1]: forward returned no log-det, but this pass needs it", e.getMessage());
      assertNull(layer.inverse(x, FlowPass.sampling(1.0, new Noise(0))).logDet());
    }
  }
}
