package org.attnflow.api.spi;

import org.attnflow.api.MaskStrategy;

/** The service interface of mask strategies. */
public interface MaskProvider extends Plugin<MaskStrategy> {}
