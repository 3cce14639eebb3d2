package org.attnflow.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.attnflow.api.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The convolution block's shortcut for the mean over its output channels. */
class ConvTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void theChannelMeanIsTheMeanOfTheOutputChannels(int kernel) {
    try (NDManager manager = NDManager.newBaseManager()) {
      Conv conv = Conv.hidden(4, 6, kernel, 7, 0.5);
      conv.initialize(manager, DataType.FLOAT32, new Shape(2, 4, 5, 5));
      conv.getParameters().get("bias").getArray().set(new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f});
      NDArray x = new Noise(3).normal(manager, new Shape(2, 4, 5, 5));
      float[] expected = conv.apply(x).mean(new int[] {1}, true).toFloatArray();
      NDArray mean = conv.applyChannelMean(x);
      assertArrayEquals(new long[] {2, 1, 5, 5}, mean.getShape().getShape());
      assertArrayEquals(expected, mean.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void aConvolutionWithAnOutputScaleRefusesTheShortcut() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Conv conv = Conv.zero(4, 6, 3);
      conv.initialize(manager, DataType.FLOAT32, new Shape(2, 4, 5, 5));
      NDArray x = manager.ones(new Shape(2, 4, 5, 5));
      assertThrows(IllegalStateException.class, () -> conv.applyChannelMean(x));
    }
  }
}
