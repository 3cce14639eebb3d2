package org.attnflow.attention;

/**
 * How a TarFlow block inverts (docs/maths.md, "TarFlow"): token by token with the keys and values
 * of earlier tokens cached ({@code cached}), token by token recomputing the network over every
 * known token ({@code recompute}, the reference the cached inverse is checked against), or by
 * Jacobi fixed-point iteration over all tokens at once ({@code jacobi}), stopping when no value
 * changes by more than the tolerance or after the iteration limit.
 *
 * @param method the inverse's method
 * @param tolerance the Jacobi iteration stops once the largest change is at most this
 * @param maxIterations the most Jacobi iterations; 0 for the number of tokens N, after which the iteration is exact
 */
record TarFlowInverse(Method method, double tolerance, int maxIterations) {
  /** The inverse's method. */
  enum Method {
    CACHED, RECOMPUTE, JACOBI
  }

  /** The iteration limit for a block of {@code tokens} tokens. */
  int limit(int tokens) {
    return maxIterations == 0 ? tokens : maxIterations;
  }
}
