package org.attnflow.marflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.attnflow.api.FlowBlock;
import org.attnflow.api.Init;
import org.attnflow.api.math.FlowMath;

/**
 * One convolutional LSTM layer. The gates come from one k×k convolution (dilation d, "same"
 * padding) over the concatenation [input, h_{t−1}] with 4·hidden outputs, in the order i, f, o, g:
 *
 * <pre>
 *   c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)
 *   h_t = σ(o) ⊙ tanh(c_t)
 * </pre>
 *
 * with h_{−1} = c_{−1} = 0. The weight is stored whole, (4·hidden, inputs + hidden, k, k), as the
 * definition says; callers split it along the input channels (one cheap, differentiable engine
 * call) so that the input part can be applied to every time step at once and only the recurrent
 * part runs step by step. Weights are N(0, 0.05²); the bias is 0 except the forget gate's, 1.
 */
final class ConvLstmCell extends FlowBlock {
  /** The initial standard deviation of the gate weights. */
  static final double WEIGHT_STD = 0.05;

  private final int inputs;
  private final int hidden;
  private final int kernel;
  private final int dilation;
  private final Parameter weight;
  private final Parameter bias;

  /** The hidden and cell states after a time step, each (B, hidden, H, W). */
  record State(NDArray h, NDArray c) {}

  ConvLstmCell(int inputs, int hidden, int kernel, int dilation, long seed) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.kernel = kernel;
    this.dilation = dilation;
    weight = parameter("weight", new Shape(4L * hidden, inputs + hidden, kernel, kernel), Init.normal(seed, WEIGHT_STD));
    bias = parameter("bias", new Shape(4L * hidden), Init.values(n -> {
      float[] v = new float[n];
      java.util.Arrays.fill(v, hidden, 2 * hidden, 1f);
      return v;
    }));
  }

  int inputs() {
    return inputs;
  }

  int hidden() {
    return hidden;
  }

  int kernel() {
    return kernel;
  }

  int dilation() {
    return dilation;
  }

  /** The whole gate weight, (4·hidden, inputs + hidden, k, k). */
  NDArray weight() {
    return weight.getArray();
  }

  /** The gate bias, (4·hidden). */
  NDArray bias() {
    return bias.getArray();
  }

  /**
   * The gate weight split along its input channels at {@code cuts} (increasing, each below
   * inputs + hidden): {@code splitWeight(inputs)} gives the input part and the recurrent part.
   */
  NDList splitWeight(long... cuts) {
    return weight().split(cuts, 1);
  }

  /** The gate convolution of {@code x} (N, Cin, H, W) with a part of the weight and an optional bias. */
  NDArray conv(NDArray x, NDArray w, NDArray b) {
    return FlowMath.conv(x, w, b, dilation);
  }

  /**
   * One time step: {@code inputGates} is the input's contribution to the gates with the bias
   * (B, 4·hidden, H, W), {@code previous} the state of the previous step (null at t = 0, when h
   * and c are zero) and {@code recurrent} the recurrent part of the weight. The caller keeps
   * {@code inputGates}.
   */
  State step(NDArray inputGates, State previous, NDArray recurrent) {
    // Each intermediate is closed as soon as the next array exists (autograd keeps what its backward
    // needs), so that an evaluation holds two or three (B, hidden, H, W) arrays at a time, not ten.
    // The input's part is added into the recurrent convolution's fresh output (whose backward does
    // not read it), so that no third array of gates exists.
    NDArray gates = previous == null ? inputGates : conv(previous.h(), recurrent, null).addi(inputGates);
    NDList g = gates.split(4, 1);
    NDArray c = productClosing(Activation.sigmoid(g.get(0)), FlowMath.tanh(g.get(3)));
    if (previous != null) {
      NDArray candidate = c;
      NDArray forget = Activation.sigmoid(g.get(1));
      NDArray kept = forget.mul(previous.c());
      forget.close();
      c = kept.add(candidate);
      kept.close();
      candidate.close();
    }
    NDArray output = Activation.sigmoid(g.get(2));
    g.close();
    if (gates != inputGates) {
      gates.close();
    }
    NDArray h = productClosing(output, FlowMath.tanh(c));
    return new State(h, c);
  }

  /** a ⊙ b, closing a and b. */
  private static NDArray productClosing(NDArray a, NDArray b) {
    NDArray p = a.mul(b);
    a.close();
    b.close();
    return p;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("a ConvLSTM layer is run by its prior, step by step");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), hidden, s.get(2), s.get(3))};
  }

  @Override
  public String toString() {
    return "ConvLSTM(" + inputs + " → " + hidden + ", " + kernel + "×" + kernel + ", dilation " + dilation + ")";
  }
}
