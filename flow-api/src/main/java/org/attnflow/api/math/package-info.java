/**
 * The shared mathematics: bits per dimension, Gaussian log-densities and draws, engine helpers for
 * convolutions and channel operations, and the batched and dense LU factorisations behind the
 * exact log-determinants.
 */
package org.attnflow.api.math;
