package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import org.attnflow.api.Condition;

/**
 * A step applied to a batch of samples, in the model's units, before they are quantised (for
 * example a {@link Denoiser}); it is given the condition the batch was drawn under (null for an
 * unconditional model), so that a class-conditional model's step can use each sample's class.
 */
@FunctionalInterface
public interface SampleFinish {
  /** Leaves the samples as they are. */
  SampleFinish NONE = (samples, condition) -> samples;

  /** The finished batch for {@code samples} drawn under {@code condition} (null: unconditional). */
  NDArray apply(NDArray samples, Condition condition);
}
