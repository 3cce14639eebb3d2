package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;

/** Additive (volume-preserving) coupling: y₂ = x₂ + NN(x₁), log|det J| = 0. */
public final class AdditiveCoupling extends CouplingLayer {

  /**
   * Creates the layer with the network that {@code network} builds, {@code hidden} wide, which also
   * sees {@code classEmbedding} (null in an unconditional layer).
   */
  public AdditiveCoupling(ImageShape shape, ConditioningNetwork.Factory network, int hidden, ClassEmbedding classEmbedding, Random random) {
    super(shape, network, hidden, 1, classEmbedding, random);
  }

  @Override
  FlowOutput coupleForward(NDArray x2, NDArray h) {
    return new FlowOutput(x2.add(h), zeroLogDet(x2));
  }

  @Override
  FlowOutput coupleInverse(NDArray y2, NDArray h, FlowPass pass) {
    return volumePreserving(y2.sub(h), pass);
  }
}
