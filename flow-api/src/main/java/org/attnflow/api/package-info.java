/**
 * The contracts of a flow that every module builds on: invertible layers and blocks ({@link
 * org.attnflow.api.FlowLayer}, {@link org.attnflow.api.FlowBlock}) with their per-sample log-
 * determinants, priors, passes (direction, temperature, noise), mask strategies, attention layers,
 * frozen blocks and the typed errors.
 */
package org.attnflow.api;
