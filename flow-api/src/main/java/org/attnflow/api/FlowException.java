package org.attnflow.api;

/** Base of the framework's errors: each carries a message that says what was wrong and where. */
public class FlowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an error with a complete, user-facing message. */
  public FlowException(String message) {
    super(message);
  }

  /** Creates an error with a complete, user-facing message and its cause. */
  public FlowException(String message, Throwable cause) {
    super(message, cause);
  }
}
