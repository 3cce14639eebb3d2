package org.attnflow.layers;

import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.spi.BuildContext;

/** Provides {@code affine-coupling}: Glow affine coupling, scale = sigmoid(raw + 2), zero-initialised output. */
public final class AffineCouplingProvider extends CouplingProvider {

  /** Declares the provider. */
  public AffineCouplingProvider() {
    super("affine-coupling", "Glow affine coupling, scale = sigmoid(raw + 2), zero-initialised output.", "");
  }

  @Override
  FlowLayer create(ImageShape shape, ConditioningNetwork.Factory network, int hidden, ClassEmbedding classEmbedding, BuildContext context) {
    return new AffineCoupling(shape, network, hidden, classEmbedding, context.random());
  }
}
