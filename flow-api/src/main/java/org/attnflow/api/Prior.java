package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A density over a latent of a fixed per-sample shape, optionally conditioned on another array
 * (for a split, the half that was kept). It gives the exact per-sample log-likelihood and draws
 * samples at a temperature.
 */
public abstract class Prior extends FlowBlock {
  private final ImageShape latentShape;
  private final ImageShape conditionShape;

  /**
   * Creates a prior.
   *
   * @param latentShape per-sample shape of the latent it models
   * @param conditionShape per-sample shape of the condition, or null for an unconditional prior
   */
  protected Prior(ImageShape latentShape, ImageShape conditionShape) {
    this.latentShape = latentShape;
    this.conditionShape = conditionShape;
  }

  /** The per-sample log-likelihood of {@code z}, shape [B]; {@code condition} may be null. */
  public abstract NDArray logProb(NDArray z, NDArray condition);

  /**
   * Draws {@code batch} latents in {@code manager} at the pass's temperature from its noise;
   * {@code condition} may be null. At temperature 0 the result is the mode of the prior (for
   * Gaussians, the mean, or the chain of means of an autoregressive prior).
   */
  public abstract NDArray sample(NDManager manager, NDArray condition, long batch, FlowPass pass);

  /** The per-sample shape of the latent. */
  public final ImageShape latentShape() {
    return latentShape;
  }

  /** The per-sample shape of the condition, or null when there is none. */
  public final ImageShape conditionShape() {
    return conditionShape;
  }

  @Override
  protected Shape[] declaredInputShapes(Shape[] parentShapes) {
    return conditionShape == null
        ? new Shape[] {latentShape.batched(1)}
        : new Shape[] {latentShape.batched(1), conditionShape.batched(1)};
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(logProb(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0))};
  }
}
