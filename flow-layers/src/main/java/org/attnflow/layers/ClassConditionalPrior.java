package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Init;
import org.attnflow.api.Prior;
import org.attnflow.api.math.FlowMath;
import org.attnflow.api.spi.BuildContext;

/**
 * A prior made class-conditional by a learned per-class mean m_y and log-scale s_y per channel,
 * as in Glow's class-conditional models: a linear map of the one-hot class, zero-initialised, so
 * that training starts from the prior it wraps. z given class y is m_y + e^{s_y}·z′ with z′ drawn
 * from that prior (given the kept half, when it serves a split), so
 *
 * <pre>
 *   log p(z | y) = log p′((z − m_y)·e^{−s_y}) − H·W·Σ_c s_{y,c}.
 * </pre>
 *
 * For a Gaussian prior N(μ, e^{2ℓ}) this is the Gaussian N(m_y + e^{s_y}·μ, e^{2(ℓ + s_y)}): the
 * per-class log-scale adds to the prior's, and the per-class mean adds to its scaled mean.
 * Sampling at temperature T draws z′ at T, so temperature 0 gives m_y + e^{s_y}·(the prior's mode).
 */
public final class ClassConditionalPrior extends Prior {
  private final Prior prior;
  private final Parameter weight;
  private final long channels;
  private final long positions;

  /** Wraps {@code prior} for a model of {@code classes} classes. */
  public ClassConditionalPrior(Prior prior, int classes) {
    super(prior.latentShape(), prior.keptShape());
    this.prior = child("prior", prior);
    channels = prior.latentShape().channels();
    positions = prior.latentShape().positions();
    weight = parameter("class-weight", new Shape(classes, 2 * channels), Init.constant(0));
  }

  /**
   * {@code prior}, class-conditional when the model of {@code context} is (made so by wrapping it;
   * the wrapped prior then keeps the context's path for its messages).
   */
  public static Prior of(BuildContext context, Prior prior) {
    if (!context.conditional()) {
      return prior;
    }
    prior.setPath(context.path());
    return new ClassConditionalPrior(prior, context.classes());
  }

  /** The per-class mean m_y and log-scale s_y of each sample of {@code pass}, each (B, C, 1, 1). */
  private NDList meanAndLogScale(FlowPass pass) {
    NDArray w = weight.getArray();
    NDArray h = pass.requireCondition(path()).oneHot(w.getDataType()).matMul(w);
    return h.reshape(h.getShape().get(0), 2 * channels, 1, 1).split(2, 1);
  }

  @Override
  public NDArray logProb(NDArray z, NDArray kept, FlowPass pass) {
    NDList p = meanAndLogScale(pass);
    NDArray mean = p.get(0);
    NDArray logScale = p.get(1);
    NDArray inner = prior.logProb(z.sub(mean).mul(logScale.neg().exp()), kept, pass);
    return inner.sub(FlowMath.scale(logScale.sum(new int[] {1, 2, 3}), positions));
  }

  @Override
  public NDArray sample(NDManager manager, NDArray kept, long batch, FlowPass pass) {
    NDArray inner = prior.sample(manager, kept, batch, pass);
    NDList p = meanAndLogScale(pass);
    return inner.mul(p.get(1).exp()).add(p.get(0));
  }
}
