package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Random;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.math.FlowMath;

/**
 * The logistic-mixture CDF coupling of Flow++ (Ho, Chen, Srinivas, Duan and Abbeel, "Flow++:
 * Improving Flow-Based Generative Models with Variational Dequantization and Architecture Design",
 * ICML 2019): each entry of x₂ goes through the CDF F of a K-component logistic mixture, then the
 * inverse sigmoid, then an affine map, y₂ = (σ⁻¹(F(x₂)) + b)·e^{a}.
 *
 * <p>The network output h holds 3K + 2 values for every channel c of x₂, at h channels
 * c·(3K + 2) + m: m = 0 is the raw a, bounded as a = λ_c·tanh(h) with a learned per-channel λ
 * (starting at 1); m = 1 is b; then K weight logits, K means and K log-scales. log|det J| =
 * Σ (log f(x₂) − log F(x₂) − log(1 − F(x₂)) + a), computed stably by {@link LogisticMixture}. At
 * initialisation h = 0 (equal weights, μ = 0, ℓ = 0, a = b = 0), F is the logistic CDF and the
 * layer is the identity. The inverse bisects F to {@value LogisticMixture#TOLERANCE} in x
 * ({@link LogisticMixture#inverseLogit}); its value carries no gradient.
 */
public final class MixLogCdfCoupling extends CouplingLayer {
  private final int components;
  private final Parameter scaleBound;

  /**
   * Creates the layer with a network of the given kind and hidden width (which also sees {@code
   * classEmbedding}, null in an unconditional layer) and a mixture of {@code components} logistics.
   */
  public MixLogCdfCoupling(ImageShape shape, ConditioningNetwork.Factory network, int hidden, int components, ClassEmbedding classEmbedding,
      Random random) {
    super(shape, network, hidden, 3 * components + 2, classEmbedding, random);
    this.components = components;
    int changed = shape.channels() - shape.channels() / 2;
    scaleBound = parameter("scale", new Shape(1, changed, 1, 1), Init.constant(1));
  }

  /** The mixture, the shift b and the log-scale a that h predicts. */
  private record Transform(LogisticMixture mixture, NDArray shift, NDArray logScale) {}

  private Transform transformFor(NDArray h) {
    Shape s = h.getShape();
    NDArray perChannel = h.reshape(s.get(0), -1, 3L * components + 2, s.get(2), s.get(3));
    NDList parts = perChannel.split(new long[] {1, 2, 2L + components, 2L + 2 * components}, 2);
    NDArray a = FlowMath.tanh(parts.get(0).squeeze(2)).mul(scaleBound.getArray());
    LogisticMixture mixture = LogisticMixture.of(parts.get(2), parts.get(3), parts.get(4));
    return new Transform(mixture, parts.get(1).squeeze(2), a);
  }

  @Override
  FlowOutput coupleForward(NDArray x2, NDArray h) {
    Transform t = transformFor(h);
    LogisticMixture.Logit logit = t.mixture().logitWithSlope(x2);
    NDArray y2 = logit.value().add(t.shift()).mul(t.logScale().exp());
    return new FlowOutput(y2, FlowMath.perSample(logit.logSlope().add(t.logScale())));
  }

  @Override
  FlowOutput coupleInverse(NDArray y2, NDArray h, FlowPass pass) {
    Transform t = transformFor(h);
    NDArray x2 = t.mixture().inverseLogit(y2.mul(t.logScale().neg().exp()).sub(t.shift()));
    return FlowOutput.of(x2, pass,
        () -> FlowMath.perSample(t.mixture().logitWithSlope(x2).logSlope().add(t.logScale())).neg());
  }
}
