package org.attnflow.api.spi;

import org.attnflow.api.ConditioningNetwork;

/** The service interface of coupling networks: a provider builds a configured network factory. */
public interface NetworkProvider extends Plugin<ConditioningNetwork.Factory> {}
