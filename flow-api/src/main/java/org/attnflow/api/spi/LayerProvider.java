package org.attnflow.api.spi;

import org.attnflow.api.FlowLayer;

/** The service interface of invertible flow layers. */
public interface LayerProvider extends Plugin<FlowLayer> {}
