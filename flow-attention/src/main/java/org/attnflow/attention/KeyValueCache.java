package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * The keys and values one attention layer has seen so far while a causal Transformer decodes one
 * token at a time, each (B, heads, t, depth) after t tokens. Appending replaces (and frees) the
 * previous arrays.
 */
final class KeyValueCache {
  private NDArray keys;
  private NDArray values;

  /** Appends one token's keys and values, (B, heads, 1, depth) each, and returns all keys so far. */
  NDArray appendKeys(NDArray key) {
    keys = appended(keys, key);
    return keys;
  }

  /** Appends one token's values and returns all values so far. */
  NDArray appendValues(NDArray value) {
    values = appended(values, value);
    return values;
  }

  /** The arrays held, for a caller that keeps them beyond a scope. */
  List<NDArray> arrays() {
    return keys == null ? List.of() : List.of(keys, values);
  }

  private static NDArray appended(NDArray held, NDArray next) {
    if (held == null) {
      return next;
    }
    NDArray joined = NDArrays.concat(new NDList(held, next), 2);
    held.close();
    return joined;
  }
}
