package org.attnflow.api.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;

/** Small numerical building blocks shared by layers, priors and models. */
public final class FlowMath {
  /** log(2π). */
  public static final double LOG_2PI = Math.log(2 * Math.PI);

  /** The fewest output channels for which {@link #conv} keeps its output channels-last. */
  public static final int WIDE = 32;

  private FlowMath() {}

  /**
   * The number {@code value} as a 0-dimensional array of {@code like}'s type and device, allocated
   * by the engine.
   *
   * <p>Use it (or {@link #scale}) instead of DJL's {@code NDArray.mul/div/pow/maximum/minimum(Number)}:
   * on the PyTorch engine those wrap the number in an array over a Java buffer and close it at
   * once, while autograd keeps the tensor for the backward pass; when the garbage collector frees
   * the buffer in between, the gradient silently reads freed memory. {@code add/sub(Number)} are
   * safe (their backward needs no operand). An architecture test forbids the unsafe calls.
   */
  public static NDArray constant(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, like.getDataType()).toDevice(like.getDevice(), false);
  }

  /**
   * An array of {@code values} in memory the engine owns. DJL's {@code NDManager.create(float[])}
   * wraps a Java buffer that lives only as long as the Java array object: once that is closed
   * (a layer's scope closes when it returns, see {@code FlowLayer}), a garbage collection frees
   * the memory that autograd may still read in the backward pass. Use this for any array made
   * from Java values inside a transform.
   */
  public static NDArray array(NDManager manager, float[] values, Shape shape) {
    try (NDArray javaOwned = manager.create(values, shape)) {
      return javaOwned.duplicate();
    }
  }

  /** {@code x · c}, safe under autograd (see {@link #constant}). */
  public static NDArray scale(NDArray x, double c) {
    return x.mul(constant(x, c));
  }

  /**
   * tanh(x), computed as 2σ(2x) − 1 with additions only (no constant array, see {@link #constant}).
   * libtorch 2.5.1 evaluates {@code tanh} one element at a time (it runs at the same speed with
   * {@code ATEN_CPU_CAPABILITY=default} as with {@code avx512}) while its sigmoid is vectorised,
   * and 2.7.1's tanh still takes 5× its sigmoid: this form is 3–4× faster, and its error, at most
   * a few units of the type's epsilon, is absolute, not relative.
   */
  public static NDArray tanh(NDArray x) {
    NDArray doubled = x.add(x);
    NDArray s = Activation.sigmoid(doubled);
    doubled.close();
    NDArray twice = s.add(s);
    s.close();
    return twice.subi(1);
  }

  /** log σ(t), computed stably as −softplus(−t). */
  public static NDArray logSigmoid(NDArray t) {
    return Activation.softPlus(t.neg()).neg();
  }

  /**
   * log Σ exp(x) over {@code axis}, which is dropped: the maximum m is taken out first, m + log Σ
   * exp(x − m), so no term overflows and the largest underflows to no less than 1. The maximum
   * carries no gradient (the value does not depend on which m is taken out).
   */
  public static NDArray logSumExp(NDArray x, int axis) {
    NDArray max = maxKeepingAxis(x.stopGradient(), axis);
    return x.sub(max).exp().sum(new int[] {axis}).log().add(max.squeeze(axis));
  }

  /**
   * The maximum over {@code axis}, kept as an axis of size 1: the axis is split into halves (and,
   * when odd, its middle entry) and their elementwise maximum taken, until one entry is left.
   * libtorch's maximum over an axis also finds where it is: for marflow-mlc32's (64, 2, 4, 16, 16)
   * mixtures it took 190 µs where these two maxima take about 20 (docs/design.md, "Speed").
   */
  private static NDArray maxKeepingAxis(NDArray x, int axis) {
    NDArray max = x;
    long n = x.getShape().get(axis);
    while (n > 1) {
      long half = n / 2;
      NDList parts = max.split(n % 2 == 0 ? new long[] {half} : new long[] {half, half + 1}, axis);
      NDArray next = parts.get(0).maximum(parts.get(parts.size() - 1));
      if (n % 2 == 1) {
        // the middle entry broadcasts over the halves' maxima
        NDArray withMiddle = next.maximum(parts.get(1));
        next.close();
        next = withMiddle;
      }
      parts.close();
      if (max != x) {
        max.close();
      }
      max = next;
      n = half;
    }
    return max;
  }

  /** The sum over every axis but the first: a per-sample total, shape [B]. */
  public static NDArray perSample(NDArray x) {
    return x.reshape(x.getShape().get(0), -1).sum(new int[] {1});
  }

  /**
   * A 2-D convolution with stride 1 and "same" zero padding for an odd kernel.
   *
   * <p>The layout follows the width. A wide array (at least {@link #WIDE} channels) is a hidden
   * activation, stored channels-last: oneDNN convolves it without reordering, and a wide output
   * stays channels-last for the next convolution. A narrow array (a flow tensor of a few
   * channels) is stored in NCHW order: a narrow input is copied to channels-last
   * ({@link #channelsLast}) and a narrow output back to NCHW ({@link #channelsFirst}), because
   * with C innermost the per-channel scales and shifts and the channel slices that follow run in
   * loops of C elements, 2–4× slower on glow32's 4-channel tensors (docs/design.md, "Speed"). A wide input
   * stored otherwise is copied to channels-last too ({@link #channelsLast} is a view of one stored
   * so already). A 1×1 kernel with a narrow output is a batched matrix product instead.
   *
   * <p>Three cases are avoided because oneDNN's AVX-512 convolutions (libtorch 2.5.1 and 2.7.1, on
   * an AMD EPYC family 26 model 2) compute them wrongly, silently: any input stored in NCHW order
   * (with fewer than 16 outputs the gradient of the input is wrong, hence the copy above), a single
   * input channel (the gradient of the input is wrong), and a wide output whose count is not a
   * multiple of {@link #WIDE} (the output itself is wrong, e.g. 33–45 or 65–80 channels). A single
   * channel gets a zero second one, and the kernel zero filters up to the next multiple, which are
   * sliced off; the result is the same convolution. {@code FlowMathConvGradientTest} checks these
   * shapes and their neighbours against float64 sums written out (docs/design.md, "Convolutions
   * the engine gets wrong").
   *
   * @param x input (B, Cin, H, W)
   * @param weight (Cout, Cin, k, k)
   * @param bias (Cout), or null
   */
  public static NDArray conv(NDArray x, NDArray weight, NDArray bias) {
    return conv(x, weight, bias, 1);
  }

  /** {@link #conv(NDArray, NDArray, NDArray)} with the kernel dilated by {@code dilation}. */
  public static NDArray conv(NDArray x, NDArray weight, NDArray bias, int dilation) {
    Shape k = weight.getShape();
    if (k.get(0) < WIDE && k.get(2) == 1 && k.get(3) == 1) {
      return mixChannels(x, weight.reshape(k.get(0), k.get(1)), bias);
    }
    return convolve(x, weight, bias, dilation);
  }

  /**
   * {@code matrix}·x at every position of an NCHW batch: the 1×1 convolution {@link #conv} makes
   * of a (Cout, Cin, 1, 1) kernel, given the Cout×Cin matrix itself (no reshape to a kernel and
   * back for the narrow outputs that are a batched matrix product).
   */
  public static NDArray mixChannels(NDArray x, NDArray matrix) {
    Shape m = matrix.getShape();
    return m.get(0) < WIDE ? mixChannels(x, matrix, null) : convolve(x, matrix.reshape(m.get(0), m.get(1), 1, 1), null, 1);
  }

  private static NDArray convolve(NDArray x, NDArray weight, NDArray bias, int dilation) {
    Shape k = weight.getShape();
    long outputs = k.get(0);
    long extra = outputs >= WIDE ? Math.floorMod(-outputs, WIDE) : 0;
    NDArray in;
    if (k.get(1) == 1) {
      // one input channel: a zero second channel (see conv), padded straight into channels-last order
      in = x.transpose(0, 2, 3, 1).pad(new Shape(0, 1), 0).transpose(0, 3, 1, 2);
      weight = weight.pad(new Shape(0, 0, 0, 0, 0, 1), 0);
    } else {
      in = channelsLast(x);
    }
    if (extra > 0) {
      // a wide output not a multiple of WIDE: zero filters up to the next multiple, sliced off below
      weight = weight.pad(new Shape(0, 0, 0, 0, 0, 0, 0, extra), 0);
      bias = bias == null ? null : bias.pad(new Shape(0, extra), 0);
    }
    long pad = dilation * (k.get(2) / 2);
    NDArray y = Conv2d.conv2d(in, weight, bias, new Shape(1, 1), new Shape(pad, pad), new Shape(dilation, dilation))
        .singletonOrThrow();
    // the layout copy (or view) is done with once the convolution has run (see GlowNetwork.apply)
    in.close();
    if (extra > 0) {
      NDArray kept = channelsLast(y.get(new NDIndex().addAllDim().addSliceDim(0, outputs)));
      y.close();
      return kept;
    }
    if (outputs >= WIDE) {
      return y;
    }
    NDArray out = channelsFirst(y);
    y.close();
    return out;
  }

  /**
   * A 1×1 convolution with a narrow output, {@code matrix}·x + bias at every position: one batched
   * matrix product over the (B, Cin, H·W) view, which keeps NCHW order and on glow32's invertible
   * 1×1 convolutions ran faster than oneDNN's convolution (docs/design.md, "Speed"). The matrix is
   * broadcast to (B, Cout, Cin) explicitly: given the plain matrix, PyTorch folds the product into
   * one long matrix product whenever the matrix requires a gradient, which copies x to
   * channels-last, returns channels-last and took twice as long (glow32's shapes, 2 threads).
   * The broadcast adds the batch axis itself (one engine call, not two).
   */
  private static NDArray mixChannels(NDArray x, NDArray matrix, NDArray bias) {
    Shape s = x.getShape();
    NDArray batched = matrix.broadcast(new Shape(s.get(0), matrix.getShape().get(0), s.get(1)));
    NDArray y = batched.matMul(x.reshape(s.get(0), s.get(1), -1));
    if (bias != null) {
      y = y.add(bias.reshape(-1, 1));
    }
    return y.reshape(s.get(0), matrix.getShape().get(0), s.get(2), s.get(3));
  }

  /**
   * {@code x} (B, C, H, W) with its values stored channels-last (NHWC order in memory); the
   * logical shape and values are unchanged, and an array already stored so is returned as a view.
   * oneDNN convolves channels-last data directly, while NCHW data is reordered to a blocked layout
   * and back around every convolution: in glow32 those reorders took a third of the convolution
   * time, and training runs ~11% faster without them (docs/design.md, "Speed").
   */
  public static NDArray channelsLast(NDArray x) {
    Shape s = x.getShape();
    // reshape(-1) copies only when the NHWC view is not contiguous, i.e. when x is not yet channels-last
    return x.transpose(0, 2, 3, 1).reshape(-1).reshape(s.get(0), s.get(2), s.get(3), s.get(1)).transpose(0, 3, 1, 2);
  }

  /**
   * {@code x} with its values stored in the order of its logical shape (NCHW for an image batch);
   * a copy only when it is not stored so already.
   */
  public static NDArray channelsFirst(NDArray x) {
    return x.reshape(-1).reshape(x.getShape());
  }

  /** Channels [0, at) and [at, C) of an NCHW array, in one engine call. */
  public static NDList splitChannels(NDArray x, long at) {
    return x.split(new long[] {at}, 1);
  }

  /** Every second channel starting at {@code first} (0 or 1) of an NCHW array. */
  public static NDArray alternateChannels(NDArray x, int first) {
    return x.get(new NDIndex().addAllDim().addSliceDim(first, x.getShape().get(1), 2));
  }

  /**
   * Per-sample log-density of a diagonal Gaussian, Σ −½(((z − μ)/σ)² + 2·log σ + log 2π), with
   * σ = exp(logStd); shape [B].
   */
  public static NDArray gaussianLogDensity(NDArray z, NDArray mean, NDArray logStd) {
    NDArray scaled = z.sub(mean).mul(logStd.neg().exp());
    return perSample(scale(scaled.square().add(scale(logStd, 2)).add(LOG_2PI), -0.5));
  }

  /** Per-sample log-density of a standard normal; shape [B]. */
  public static NDArray standardNormalLogDensity(NDArray z) {
    return perSample(scale(z.square().add(LOG_2PI), -0.5));
  }
}
