package org.attnflow.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;
import org.attnflow.api.math.FlowMath;

/**
 * TarFlow's score-based denoising step (docs/maths.md, "TarFlow"): for a model of images with
 * Gaussian noise of standard deviation σ, a sample y is moved to ŷ = y + σ²·∇_y log p(y), Tweedie's
 * estimate of the clean image, with the score ∇_y log p(y) taken through the flow by autograd.
 * Each sample's log-likelihood depends on that sample alone, so one backward pass of their sum
 * gives every sample's score. In a class-conditional model the score is that of p(y | c), each
 * sample under the class it was drawn of (guidance, if any, is not applied to the score).
 */
public final class Denoiser implements SampleFinish {
  private final FlowModel model;
  private final double sigma;

  /** The step for {@code model}, trained on images with Gaussian noise of standard deviation {@code sigma}. */
  public Denoiser(FlowModel model, double sigma) {
    this.model = model;
    this.sigma = sigma;
  }

  /**
   * ŷ = y + σ²·∇_y log p(y | c) for a batch y of samples in the model's units, drawn under
   * {@code condition} (null for an unconditional model).
   */
  @Override
  public NDArray apply(NDArray y, Condition condition) {
    NDArray input = y.duplicate();
    input.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(model.encode(input, Conditioning.on(FlowPass.encoding(), condition)).logLikelihood().sum());
    }
    return y.add(FlowMath.scale(input.getGradient(), sigma * sigma));
  }
}
