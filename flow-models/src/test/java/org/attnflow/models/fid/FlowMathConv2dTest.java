package org.attnflow.models.fid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The classifier's convolution block computes DJL's 3×3 "same" convolution: its output and the
 * gradients of its weight, bias and input match the engine's float64 convolution (which does not
 * use the float32 kernels some CPUs get wrong) on the shapes those kernels get wrong (one input
 * channel, fewer than 16 outputs, wide outputs not a multiple of 32) and a plain one; and its
 * saved parameters are DJL's {@link Conv2d}'s, so classifiers saved before it still load.
 */
class FlowMathConv2dTest {

  @ParameterizedTest(name = "{0} → {1} channels")
  @CsvSource({"1, 8", "1, 16", "4, 12", "16, 48", "8, 40", "16, 32"})
  void matchesTheEngineInFloat64(int in, int out) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowMathConv2d block = new FlowMathConv2d(out);
      block.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
      block.setInitializer(new NormalInitializer(0.2f), Parameter.Type.BIAS);
      Shape shape = new Shape(5, in, 8, 8);
      block.initialize(manager, DataType.FLOAT32, shape);
      manager.getEngine().setRandomSeed(in * 100 + out);
      NDArray x = manager.randomNormal(shape);
      NDArray g = manager.randomNormal(new Shape(5, out, 8, 8));
      NDArray weight = block.getParameters().get("weight").getArray();
      NDArray bias = block.getParameters().get("bias").getArray();
      x.setRequiresGradient(true);
      NDArray y;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        y = block.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
        collector.backward(y.mul(g).sum());
      }
      NDArray x64 = x.toType(DataType.FLOAT64, true);
      NDArray w64 = weight.toType(DataType.FLOAT64, true);
      NDArray b64 = bias.toType(DataType.FLOAT64, true);
      for (NDArray a : new NDArray[] {x64, w64, b64}) {
        a.setRequiresGradient(true);
      }
      NDArray want;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        want = Conv2d.conv2d(x64, w64, b64, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
        collector.backward(want.mul(g.toType(DataType.FLOAT64, false)).sum());
      }
      close("output", want, y);
      close("weight gradient", w64.getGradient(), weight.getGradient());
      close("bias gradient", b64.getGradient(), bias.getGradient());
      close("input gradient", x64.getGradient(), x.getGradient());
    }
  }

  @ParameterizedTest(name = "{0} channels")
  @CsvSource({"4", "48"})
  void savesWhatDjlsConv2dLoads(int filters) throws IOException, MalformedModelException {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape shape = new Shape(1, 3, 8, 8);
      FlowMathConv2d ours = new FlowMathConv2d(filters);
      ours.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
      ours.setInitializer(new NormalInitializer(0.2f), Parameter.Type.BIAS);
      ours.initialize(manager, DataType.FLOAT32, shape);
      Block djl = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
      djl.initialize(manager, DataType.FLOAT32, shape);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ours.saveParameters(new DataOutputStream(bytes));
      djl.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      for (String name : new String[] {"weight", "bias"}) {
        assertArrayEquals(ours.getParameters().get(name).getArray().toFloatArray(),
            djl.getParameters().get(name).getArray().toFloatArray(), name);
      }
    }
  }

  /** {@code got} (float32) is within 1e-4 of {@code want} (float64), relative to want's largest magnitude. */
  private static void close(String what, NDArray want, NDArray got) {
    double[] w = want.toDoubleArray();
    double[] g = got.toType(DataType.FLOAT64, false).toDoubleArray();
    double scale = 0;
    double error = 0;
    for (int i = 0; i < w.length; i++) {
      scale = Math.max(scale, Math.abs(w[i]));
      error = Math.max(error, Math.abs(w[i] - g[i]));
    }
    assertTrue(scale > 0, what + " must not vanish");
    assertTrue(error <= 1e-4 * scale, what + ": largest error " + error + " against a largest value " + scale);
  }
}
