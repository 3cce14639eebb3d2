package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.attnflow.api.math.FlowMath;

/**
 * An invertible layer of a normalizing flow: a DJL block with an exact inverse.
 *
 * <p>Direction: {@link #forward(NDArray, FlowPass)} maps data → latent (normalising, used for the
 * likelihood) and returns the output with the per-sample log|det J|, shape [B];
 * {@link #inverse(NDArray, FlowPass)} maps latent → data (generating) and returns the input with
 * the negated log-det at the matching point, so that forward and inverse log-dets sum to zero.
 *
 * <p>A layer knows its per-sample input shape from construction and reports its output shape, so
 * a model's shapes are checked while it is built. Data-dependent initialisation is an explicit
 * phase: in a pass for which {@link FlowPass#isInitializing()} is true, {@link
 * #initializeFromData} runs before the transform. The public entry points are final: they check
 * shapes, the log-det shape and wrap failures with the layer's configuration path; subclasses
 * implement {@link #transform} and {@link #invert}.
 */
public abstract class FlowLayer extends FlowBlock {
  private final ImageShape inputShape;

  /** Creates a layer for inputs of the given per-sample shape. */
  protected FlowLayer(ImageShape inputShape) {
    this.inputShape = inputShape;
  }

  /** The data → latent transform with its per-sample log|det J|. */
  public final FlowOutput forward(NDArray x, FlowPass pass) {
    checkShape(x, inputShape, "forward input");
    try {
      if (pass.isInitializing()) {
        initializeFromData(x);
      }
      FlowOutput out = scoped(() -> transform(x, pass), pass);
      return checked(out, pass, outputShape(), x.getShape().get(0), "forward");
    } catch (FlowException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FlowException(path() + ": forward failed: " + e.getMessage(), e);
    }
  }

  /** The latent → data transform with the negated log-det of the forward at the result. */
  public final FlowOutput inverse(NDArray y, FlowPass pass) {
    checkShape(y, outputShape(), "inverse input");
    try {
      FlowOutput out = scoped(() -> invert(y, pass), pass);
      return checked(out, pass, inputShape, y.getShape().get(0), "inverse");
    } catch (FlowException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FlowException(path() + ": inverse failed: " + e.getMessage(), e);
    }
  }

  /**
   * Runs one transform in a scope of its own ({@link Scoped}): the arrays it creates are freed when
   * it returns, except its output, its log-det and what it handed to the pass, which join the
   * caller's scope (glow32 training ~6% faster in an A/B run; sampling unchanged).
   */
  private static FlowOutput scoped(Supplier<FlowOutput> transform, FlowPass pass) {
    return Scoped.keeping(transform, out -> Stream.concat(out.arrays().stream(), pass.arrays().stream()).toList());
  }

  /**
   * Computes the forward transform; {@code x} has already been shape-checked. Arrays created here
   * are freed when the call returns unless they are returned or handed to the pass: an array a
   * layer keeps across calls must be a parameter or state.
   */
  protected abstract FlowOutput transform(NDArray x, FlowPass pass);

  /** Computes the inverse transform; {@code y} has already been shape-checked. */
  protected abstract FlowOutput invert(NDArray y, FlowPass pass);

  /** A zero log-det for a volume-preserving step on a batch like {@code x}. */
  protected static NDArray zeroLogDet(NDArray x) {
    return x.getManager().zeros(new Shape(x.getShape().get(0)));
  }

  /**
   * The log-det of a step that multiplies every position by the same Jacobian block, H·W times
   * {@code perPosition} (a scalar array computed from the parameters alone), for every sample of
   * a batch like {@code x}. It is a {@link #derived} value named "log-det".
   */
  protected final NDArray perPositionLogDet(NDArray x, Supplier<NDArray> perPosition) {
    NDArray perSample = derived("log-det", () -> FlowMath.scale(perPosition.get(), inputShape.positions()));
    return perSample.broadcast(new Shape(x.getShape().get(0)));
  }

  /** The output of a volume-preserving step: {@code value} with a zero log-det when {@code pass} needs one. */
  protected static FlowOutput volumePreserving(NDArray value, FlowPass pass) {
    return FlowOutput.of(value, pass, () -> zeroLogDet(value));
  }

  /** Initialises parameters from the first batch; the default does nothing. */
  protected void initializeFromData(NDArray x) {}

  /** The per-sample input shape. */
  public final ImageShape inputShape() {
    return inputShape;
  }

  /** The per-sample output shape; the default keeps the input shape. */
  public ImageShape outputShape() {
    return inputShape;
  }

  @Override
  protected Shape[] declaredInputShapes(Shape[] parentShapes) {
    return new Shape[] {inputShape.batched(1)};
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    FlowOutput out = forward(inputs.singletonOrThrow(), FlowPass.encoding());
    return new NDList(out.value(), out.logDet());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {outputShape().batched(batch), new Shape(batch)};
  }

  @Override
  public String toString() {
    return path() + " (" + inputShape + " → " + outputShape() + ")";
  }

  private void checkShape(NDArray x, ImageShape expected, String what) {
    if (x.getShape().dimension() != 4 || !ImageShape.of(x.getShape()).equals(expected)) {
      throw new ShapeException(path() + ": " + what + " must be (B, " + expected + "), found " + x.getShape());
    }
  }

  private FlowOutput checked(FlowOutput out, FlowPass pass, ImageShape expected, long batch, String direction) {
    checkShape(out.value(), expected, direction + " output");
    if (out.logDet() == null) {
      if (pass.needsLogDet()) {
        throw new ShapeException(path() + ": " + direction + " returned no log-det, but this pass needs it");
      }
      return out;
    }
    Shape logDetShape = out.logDet().getShape();
    if (logDetShape.dimension() != 1 || logDetShape.get(0) != batch) {
      throw new ShapeException(path() + ": " + direction + " log-det must have shape (" + batch + "), found " + logDetShape);
    }
    if (out.logDet().getDataType() != DataType.FLOAT32 && out.logDet().getDataType() != DataType.FLOAT64) {
      throw new ShapeException(path() + ": log-det must be floating point, found " + out.logDet().getDataType());
    }
    return out;
  }
}
