package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.attnflow.api.math.FlowMath;

/**
 * A mixture of K logistic distributions for every entry of an array, with the mixture along axis
 * 2 of its parameters (B, C, K, H, W) and entries x of shape (B, C, H, W):
 * F(x) = Σ_k π_k σ(z_k), z_k = (x − μ_k)·e^{−ℓ_k}, π = softmax of the logits, and the log-scales
 * ℓ clamped below at {@value #MIN_LOG_SCALE} as in Flow++.
 *
 * <p>Everything is computed in log space so that the tails stay exact: log F and log(1 − F) are
 * log-sum-exps of log π_k + log σ(±z_k), the logit σ⁻¹(F) is their difference, and the density is
 * the log-sum-exp of the components' log-densities log σ(z_k) + log σ(−z_k) − ℓ_k.
 *
 * <p>{@link #inverseLogit} inverts the logit by bisection to an absolute tolerance of {@value
 * #TOLERANCE} in x.
 */
final class LogisticMixture {
  /** The smallest log-scale a component may have (Flow++ clamps its log-scales at −7). */
  static final double MIN_LOG_SCALE = -7;

  /**
   * The inverse's guaranteed absolute error in x, in exact arithmetic. float64 meets it; float32
   * resolves x only to its own rounding error (about 6·10⁻⁸·|x|) and the logit's.
   */
  static final double TOLERANCE = 1e-8;

  private static final int AXIS = 2;
  private final NDArray logWeights;
  private final NDArray means;
  private final NDArray logScales;
  private final NDArray inverseScales;

  private LogisticMixture(NDArray logWeights, NDArray means, NDArray logScales) {
    this.logWeights = logWeights;
    this.means = means;
    this.logScales = logScales;
    inverseScales = logScales.neg().exp();
  }

  /**
   * The mixture with unnormalised weight logits, means and unclamped log-scales, each
   * (B, C, K, H, W) or broadcastable to it.
   */
  static LogisticMixture of(NDArray logits, NDArray means, NDArray logScales) {
    return new LogisticMixture(logits.logSoftmax(AXIS), means, logScales.maximum(FlowMath.constant(logScales, MIN_LOG_SCALE)));
  }

  /** The logit σ⁻¹(F(x)) = log F(x) − log(1 − F(x)) and its log-derivative at every entry of x. */
  record Logit(NDArray value, NDArray logSlope) {}

  /**
   * σ⁻¹(F(x)) and log d σ⁻¹(F(x))/dx = log f(x) − log F(x) − log(1 − F(x)), where f = F′ is the
   * mixture density.
   */
  Logit logitWithSlope(NDArray x) {
    Terms terms = terms(x);
    NDArray logCdf = FlowMath.logSumExp(terms.below(), AXIS);
    NDArray logSurvival = FlowMath.logSumExp(terms.above(), AXIS);
    // a component's density is σ(z)·σ(−z)/s
    NDArray logDensity = FlowMath.logSumExp(terms.above().sub(terms.softplusOfNegated()).sub(logScales), AXIS);
    return new Logit(logCdf.sub(logSurvival), logDensity.sub(logCdf).sub(logSurvival));
  }

  /** σ⁻¹(F(x)) alone, the quantity the inverse compares. */
  NDArray logit(NDArray x) {
    Terms terms = terms(x);
    return FlowMath.logSumExp(terms.below(), AXIS).sub(FlowMath.logSumExp(terms.above(), AXIS));
  }

  /**
   * The per-component terms of log F and log(1 − F) at x, log π_k + log σ(z_k) and log π_k + log
   * σ(−z_k), from one softplus: log σ(z) = −softplus(−z) and log σ(−z) = log σ(z) − z. Where z ≪ 0
   * the second is then accurate to a rounding of z rather than to its own small size, which the
   * logit and the slope do not notice: they are differences of terms about z in size, with that
   * absolute error already.
   */
  private Terms terms(NDArray x) {
    NDArray negatedZ = means.sub(x.expandDims(AXIS)).mul(inverseScales);
    NDArray softplusOfNegated = Activation.softPlus(negatedZ);
    NDArray below = logWeights.sub(softplusOfNegated);
    return new Terms(below, below.add(negatedZ), softplusOfNegated);
  }

  private record Terms(NDArray below, NDArray above, NDArray softplusOfNegated) {}

  /**
   * The x with σ⁻¹(F(x)) = u at every entry, within {@link #TOLERANCE}; its value carries no
   * gradient.
   *
   * <p>Bisection on a bracket that holds every root: since σ(z_k) ≥ σ(u) for all k implies F ≥
   * σ(u), the root for u lies in [min_k(μ_k + e^{ℓ_k}·u), max_k(μ_k + e^{ℓ_k}·u)], and so, for
   * every u of the array, in [min_k(μ_k + e^{ℓ_k}·u_min), max_k(μ_k + e^{ℓ_k}·u_max)] with u_min,
   * u_max the extremes of u. Entries that share a mixture thus share the bracket and the midpoints,
   * which makes the result exactly non-decreasing in u. The whole array is halved a fixed n =
   * ⌈log₂(w/τ)⌉ times, w the widest bracket (the only value read back to Java), comparing in logit
   * space, which stays exact in the tails; the midpoint of the last bracket is within w/2^{n+1} ≤
   * τ/2 of the root. A bracket is kept as its lower end and its width, which every step halves
   * whichever half holds the root: one selection per step instead of two.
   */
  NDArray inverseLogit(NDArray u) {
    LogisticMixture fixed = new LogisticMixture(logWeights.stopGradient(), means.stopGradient(), logScales.stopGradient());
    NDArray target = u.stopGradient();
    NDArray scales = fixed.logScales.exp();
    NDArray low = fixed.means.add(scales.mul(target.min())).min(new int[] {AXIS}).broadcast(target.getShape());
    NDArray high = fixed.means.add(scales.mul(target.max())).max(new int[] {AXIS}).broadcast(target.getShape());
    NDArray width = high.sub(low);
    double widest = width.max().toType(DataType.FLOAT64, false).getDouble();
    if (!Double.isFinite(widest)) {
      throw new ArithmeticException("the logistic mixture's inverse has no finite bracket (widest " + widest + ")");
    }
    int halvings = widest <= TOLERANCE ? 0 : (int) Math.ceil(Math.log(widest / TOLERANCE) / Math.log(2));
    NDArray half = FlowMath.constant(width, 0.5);
    for (int i = 0; i < halvings; i++) {
      NDArray halfWidth = width.mul(half);
      NDArray newLow = fixed.halve(low, halfWidth, target);
      width.close();
      low.close();
      width = halfWidth;
      low = newLow;
    }
    return low.add(width.mul(half));
  }

  /**
   * One bisection step on the brackets [low, low + 2·halfWidth], in a scope of its own so that
   * each step frees its (B, C, K, H, W) temporaries: the lower ends of the halves that hold the
   * roots.
   */
  private NDArray halve(NDArray low, NDArray halfWidth, NDArray target) {
    NDArray newLow;
    try (NDScope scope = new NDScope()) {
      NDArray mid = low.add(halfWidth);
      newLow = NDArrays.where(logit(mid).lt(target), mid, low);
      NDScope.unregister(newLow);
    }
    NDScope.register(newLow);
    return newLow;
  }
}
