package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Random;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.math.FlowMath;

/**
 * Glow's affine coupling: h = NN(x₁), shift = h[:, 0::2], raw = h[:, 1::2],
 * scale = σ(raw + 2), y₂ = (x₂ + shift)·scale, log|det J| = Σ log σ(raw + 2).
 */
public final class AffineCoupling extends CouplingLayer {
  private static final double SCALE_OFFSET = 2.0;

  /**
   * Creates the layer with the network that {@code network} builds, {@code hidden} wide, which also
   * sees {@code classEmbedding} (null in an unconditional layer).
   */
  public AffineCoupling(ImageShape shape, ConditioningNetwork.Factory network, int hidden, ClassEmbedding classEmbedding, Random random) {
    super(shape, network, hidden, 2, classEmbedding, random);
  }

  @Override
  FlowOutput coupleForward(NDArray x2, NDArray h) {
    NDArray raw = FlowMath.alternateChannels(h, 1).add(SCALE_OFFSET);
    NDArray y2 = x2.add(FlowMath.alternateChannels(h, 0)).mul(Activation.sigmoid(raw));
    return new FlowOutput(y2, FlowMath.perSample(FlowMath.logSigmoid(raw)));
  }

  @Override
  FlowOutput coupleInverse(NDArray y2, NDArray h, FlowPass pass) {
    NDArray raw = FlowMath.alternateChannels(h, 1).add(SCALE_OFFSET);
    NDArray x2 = y2.div(Activation.sigmoid(raw)).sub(FlowMath.alternateChannels(h, 0));
    return FlowOutput.of(x2, pass, () -> FlowMath.perSample(FlowMath.logSigmoid(raw)).neg());
  }
}
