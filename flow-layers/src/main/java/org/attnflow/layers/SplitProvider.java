package org.attnflow.layers;

import java.util.Map;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;
import org.attnflow.api.spi.PluginKind;

/** Provides {@code split}: factors out the second channel half under a prior conditioned on the first. */
public final class SplitProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public SplitProvider() {
    super("split", "factors out the second channel half under a prior conditioned on the first.", "# the prior of the factored-out half, given the kept half\nprior { type = conditional-gaussian }");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    ImageShape in = context.requireInputShape();
    Prior prior = context.nested("prior").withShapes(Split.factoredShape(in), Split.keptShape(in)).build(PluginKind.PRIOR);
    return new Split(in, prior);
  }

  @Override
  public Map<String, PluginKind<?>> nested() {
    return Map.of("prior", PluginKind.PRIOR);
  }
}
