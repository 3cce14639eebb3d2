package org.attnflow.layers;

import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.spi.BuildContext;

/** Provides {@code additive-coupling}: volume-preserving additive coupling, y2 = x2 + NN(x1). */
public final class AdditiveCouplingProvider extends CouplingProvider {

  /** Declares the provider. */
  public AdditiveCouplingProvider() {
    super("additive-coupling", "volume-preserving additive coupling, y2 = x2 + NN(x1).", "");
  }

  @Override
  FlowLayer create(ImageShape shape, ConditioningNetwork.Factory network, int hidden, ClassEmbedding classEmbedding, BuildContext context) {
    return new AdditiveCoupling(shape, network, hidden, classEmbedding, context.random());
  }
}
