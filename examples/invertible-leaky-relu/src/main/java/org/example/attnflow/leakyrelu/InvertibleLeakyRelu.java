package org.example.attnflow.leakyrelu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.math.FlowMath;

/**
 * An element-wise invertible leaky ReLU with a learned negative slope α_c &gt; 0 per channel:
 *
 * <pre>
 *   y = x          for x ≥ 0
 *   y = α_c · x    for x &lt; 0          log|det J| = Σ over the entries with x &lt; 0 of log α_c
 * </pre>
 *
 * <p>Because α_c &gt; 0 the map keeps the sign, so the inverse reads the branch from the sign of
 * y: x = y for y ≥ 0 and x = y / α_c for y &lt; 0, exactly. The Jacobian is diagonal, so the
 * log-determinant is exact too.
 *
 * <p>The log-slope is kept in a band, log α_c = b·tanh(θ_c / b) with the bound b of the
 * configuration, so that neither direction can blow up however far training moves θ_c. θ_c
 * starts at the value that gives the configured initial slope in every channel.
 *
 * <p>In a class-conditional model ({@code model.classes} = K &gt; 0) the layer shows how a plugin
 * reads the condition: it learns a slope α_{k,c} per class k and channel, and each sample uses the
 * row of its class, read from the pass ({@link FlowPass#requireCondition}) in both directions. The
 * class only chooses the slopes, so the map and its log-det keep their form.
 */
public final class InvertibleLeakyRelu extends FlowLayer {
  private final Parameter theta;
  /** The bound b, as a saved (never trained) array: see {@link #logSlope()}. */
  private final Parameter bound;
  private final int classes;

  /**
   * Creates the layer.
   *
   * @param shape the per-sample input shape
   * @param initialSlope the initial negative slope α of every channel, in (e^−b, e^b)
   * @param bound the bound b on |log α|, positive
   * @param classes the number K of classes of a class-conditional model (a slope per class and
   *     channel), 0 in an unconditional one (a slope per channel)
   */
  public InvertibleLeakyRelu(ImageShape shape, double initialSlope, double bound, int classes) {
    super(shape);
    if (!(bound > 0) || !(initialSlope > 0) || !(Math.abs(Math.log(initialSlope)) < bound)) {
      throw new IllegalArgumentException("the initial slope must lie in (e^-" + bound + ", e^" + bound + "), found " + initialSlope);
    }
    float theta0 = (float) (bound * atanh(Math.log(initialSlope) / bound));
    this.classes = classes;
    Shape slopes = classes == 0 ? new Shape(1, shape.channels(), 1, 1) : new Shape(classes, shape.channels());
    theta = parameter("theta", slopes, Init.constant(theta0));
    this.bound = state("bound", new Shape(1, 1, 1, 1), Init.constant((float) bound));
  }

  /**
   * log α = b·tanh(θ / b), shape (1, C, 1, 1), or (K, C) with a row per class.
   *
   * <p>b is an array held by the layer rather than a Java number on purpose: DJL's
   * {@code NDArray.mul(Number)}/{@code div(Number)} wrap the number in a temporary array whose
   * memory the garbage collector may free before the backward pass reads it, which corrupts the
   * gradient of θ (DJL 0.33, PyTorch engine, CPU).
   *
   * <p>It depends on the parameters alone, so it is a {@link #derived} value: computed once while
   * the model is frozen for sampling or evaluation, and on every call in training.
   */
  private NDArray logSlope() {
    return derived("log slope", () -> {
      NDArray b = bound.getArray();
      return theta.getArray().div(b).tanh().mul(b);
    });
  }

  /**
   * The log-slopes that the samples of {@code x} use: (1, C, 1, 1) shared by all, or in a
   * class-conditional layer the row of each sample's class, (B, C, 1, 1).
   */
  private NDArray logSlopeOf(NDArray x, FlowPass pass) {
    if (classes == 0) {
      return logSlope();
    }
    NDArray oneHot = pass.requireCondition(path()).oneHot(x.getDataType());
    return oneHot.matMul(logSlope()).reshape(x.getShape().get(0), inputShape().channels(), 1, 1);
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    // log of the per-entry factor: log α_c where x < 0, exactly 0 elsewhere.
    NDArray logFactor = x.lt(0).toType(DataType.FLOAT32, false).mul(logSlopeOf(x, pass));
    return new FlowOutput(x.mul(logFactor.exp()), FlowMath.perSample(logFactor));
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    // α > 0 keeps the sign, so y < 0 exactly where x < 0.
    NDArray logFactor = y.lt(0).toType(DataType.FLOAT32, false).mul(logSlopeOf(y, pass));
    return new FlowOutput(y.mul(logFactor.neg().exp()), FlowMath.perSample(logFactor).neg());
  }

  /** The current negative slopes α_c, one per channel, or α_{k,c} class by class (for inspection and tests). */
  public float[] slopes() {
    return logSlope().exp().toFloatArray();
  }

  private static double atanh(double t) {
    return 0.5 * Math.log((1 + t) / (1 - t));
  }
}
