package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A density over a latent of a fixed per-sample shape, optionally given another array (for a
 * split, the half that was kept) and, in a class-conditional model, the pass's {@link Condition}.
 * It gives the exact per-sample log-likelihood and draws samples at a temperature.
 */
public abstract class Prior extends FlowBlock {
  private final ImageShape latentShape;
  private final ImageShape keptShape;

  /**
   * Creates a prior.
   *
   * @param latentShape per-sample shape of the latent it models
   * @param keptShape per-sample shape of the kept half it is given, or null when it is given none
   */
  protected Prior(ImageShape latentShape, ImageShape keptShape) {
    this.latentShape = latentShape;
    this.keptShape = keptShape;
  }

  /**
   * The per-sample log-likelihood of {@code z}, shape [B], given the kept half {@code kept} (null
   * when {@link #keptShape()} is) within {@code pass}, whose {@link FlowPass#condition()} a
   * class-conditional prior reads.
   */
  public abstract NDArray logProb(NDArray z, NDArray kept, FlowPass pass);

  /**
   * Draws {@code batch} latents in {@code manager} at the pass's temperature from its noise, given
   * the kept half {@code kept} (null when {@link #keptShape()} is) and the pass's condition. At temperature 0 the result is the mode of the prior (for
   * Gaussians, the mean, or the chain of means of an autoregressive prior).
   */
  public abstract NDArray sample(NDManager manager, NDArray kept, long batch, FlowPass pass);

  /** The per-sample shape of the latent. */
  public final ImageShape latentShape() {
    return latentShape;
  }

  /** The per-sample shape of the kept half this prior is given, or null when it is given none. */
  public final ImageShape keptShape() {
    return keptShape;
  }

  @Override
  protected Shape[] declaredInputShapes(Shape[] parentShapes) {
    return keptShape == null
        ? new Shape[] {latentShape.batched(1)}
        : new Shape[] {latentShape.batched(1), keptShape.batched(1)};
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(logProb(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, FlowPass.encoding()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0))};
  }
}
