package org.attnflow.api.spi;

import org.attnflow.api.Prior;

/** The service interface of priors over latents. */
public interface PriorProvider extends Plugin<Prior> {}
