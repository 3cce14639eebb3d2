package org.attnflow.api;

/**
 * A layer that follows a pass's {@link Guidance} (TarFlow's blocks); every other layer ignores it.
 * A model can be sampled with guidance only when one of its layers takes it.
 */
public interface Guidable {
  /** Whether this layer mixes conditional and unconditional parameters under a guided pass (false when it takes no class). */
  boolean takesGuidance();
}
