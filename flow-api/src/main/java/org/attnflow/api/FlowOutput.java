package org.attnflow.api;

import ai.djl.ndarray.NDArray;

/**
 * What a flow layer returns: its output and the per-sample log|det J| of the step, shape [B].
 *
 * @param value the transformed batch
 * @param logDet the per-sample log-determinant contribution
 */
public record FlowOutput(NDArray value, NDArray logDet) {}
