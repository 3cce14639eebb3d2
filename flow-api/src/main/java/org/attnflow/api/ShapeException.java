package org.attnflow.api;

/** An architecture whose shapes do not fit, reported with the config path of the offending layer. */
public class ShapeException extends FlowException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; the message names the layer path and both shapes. */
  public ShapeException(String message) {
    super(message);
  }
}
