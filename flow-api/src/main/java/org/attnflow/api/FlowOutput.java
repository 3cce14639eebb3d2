package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a flow layer returns: its output and the per-sample log|det J| of the step, shape [B].
 *
 * @param value the transformed batch
 * @param logDet the per-sample log-determinant contribution; null only in a pass that does not
 *     need it ({@link FlowPass#needsLogDet()})
 */
public record FlowOutput(NDArray value, NDArray logDet) {
  /** An output without a log-det, for a pass that does not need it. */
  public static FlowOutput valueOnly(NDArray value) {
    return new FlowOutput(value, null);
  }

  /** {@code value} with the log-det from {@code logDet}, computed only when {@code pass} needs it. */
  public static FlowOutput of(NDArray value, FlowPass pass, Supplier<NDArray> logDet) {
    return new FlowOutput(value, pass.needsLogDet() ? logDet.get() : null);
  }

  /** The arrays this output holds: the value and, when present, the log-det. */
  List<NDArray> arrays() {
    return logDet == null ? List.of(value) : List.of(value, logDet);
  }
}
