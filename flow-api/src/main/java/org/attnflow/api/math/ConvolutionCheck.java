package org.attnflow.api.math;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * A check, at start-up, that {@link FlowMath#conv} computes right on this machine: its value and
 * its gradients (of the input, the kernel and the bias) in float32 against the engine's float64
 * convolution, which does not run through oneDNN, on shapes for which oneDNN's float32 kernels
 * were found wrong on some CPUs and on the shapes of the benchmark models (docs/design.md,
 * "Convolutions the engine gets wrong"). Wrong kernels would train a model on wrong gradients
 * without any other sign.
 */
public final class ConvolutionCheck {
  private static final double TOLERANCE = 1e-4;
  private static final int BATCH = 3;
  private static final int SIZE = 8;

  /** One convolution: kernel size, dilation, input and output channels. */
  private record Case(int kernel, int dilation, int inputs, int outputs) {
    @Override
    public String toString() {
      return kernel + "×" + kernel + (dilation > 1 ? " (dilation " + dilation + ")" : "") + ", " + inputs + " → "
          + outputs + " channels";
    }
  }

  private static final List<Case> CASES = List.of(new Case(3, 1, 1, 3), new Case(5, 2, 1, 17), new Case(1, 1, 2, 33),
      new Case(1, 1, 64, 65), new Case(3, 1, 64, 48), new Case(3, 1, 64, 4), new Case(3, 1, 2, 64),
      new Case(1, 1, 64, 64), new Case(3, 1, 4, 64), new Case(3, 1, 64, 8));

  private ConvolutionCheck() {}

  /**
   * Runs every case on the CPU; empty when all are right, otherwise what was wrong. Must not be
   * called while a {@link GradientCollector} is open.
   */
  public static Optional<String> run() {
    return run(FlowMath::conv);
  }

  /** A float32 convolution under test: input, kernel, bias, dilation. */
  interface Convolution {
    NDArray apply(NDArray x, NDArray weight, NDArray bias, int dilation);
  }

  /** {@link #run()} on another convolution (the tests give it wrong ones). */
  static Optional<String> run(Convolution convolution) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (Case c : CASES) {
        Optional<String> wrong = check(manager, c, convolution);
        if (wrong.isPresent()) {
          return wrong;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> check(NDManager parent, Case c, Convolution convolution) {
    try (NDManager m = parent.newSubManager()) {
      Random random = new Random(c.hashCode());
      NDArray x = gaussian(m, random, BATCH, c.inputs(), SIZE, SIZE);
      NDArray w = gaussian(m, random, c.outputs(), c.inputs(), c.kernel(), c.kernel());
      NDArray b = gaussian(m, random, c.outputs());
      NDArray g = gaussian(m, random, BATCH, c.outputs(), SIZE, SIZE);
      NDArray[] expected = valueAndGradients(x, w, b, g, c, null);
      NDArray[] actual = valueAndGradients(x, w, b, g, c, convolution);
      String[] names = {"output", "gradient of the input", "gradient of the kernel", "gradient of the bias"};
      for (int i = 0; i < names.length; i++) {
        double scale = expected[i].abs().max().getDouble();
        double error = actual[i].toType(DataType.FLOAT64, false).sub(expected[i]).abs().max().getDouble();
        if (!(error <= TOLERANCE * scale)) {
          return Optional.of(String.format(Locale.ROOT, "the engine's float32 convolution computes the %s of a %s"
              + " wrongly on this machine (largest error %.3g, largest value %.3g)", names[i], c, error, scale));
        }
      }
      return Optional.empty();
    }
  }

  /** Gaussian values from {@code random} (not the engine's generator, which training may use). */
  private static NDArray gaussian(NDManager m, Random random, long... shape) {
    float[] v = new float[Math.toIntExact(new Shape(shape).size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return FlowMath.array(m, v, new Shape(shape));
  }

  /** y = conv(x) and the gradients of Σ g·y: in float32 through {@code convolution}, or in float64 when it is null. */
  private static NDArray[] valueAndGradients(NDArray x0, NDArray w0, NDArray b0, NDArray g0, Case c, Convolution convolution) {
    DataType type = convolution == null ? DataType.FLOAT64 : DataType.FLOAT32;
    // fresh leaves on each side (toType to the same type may return the array itself)
    NDArray x = x0.toType(type, false).duplicate();
    NDArray w = w0.toType(type, false).duplicate();
    NDArray b = b0.toType(type, false).duplicate();
    NDArray g = g0.toType(type, false);
    x.setRequiresGradient(true);
    w.setRequiresGradient(true);
    b.setRequiresGradient(true);
    NDArray y;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      if (convolution == null) {
        long pad = (long) c.dilation() * (c.kernel() / 2);
        y = Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(pad, pad), new Shape(c.dilation(), c.dilation()))
            .singletonOrThrow();
      } else {
        y = convolution.apply(x, w, b, c.dilation());
      }
      collector.backward(y.mul(g).sum());
    }
    return new NDArray[] {y, x.getGradient(), w.getGradient(), b.getGradient()};
  }
}
