package org.attnflow.api;

/** A NaN or infinity produced by a computation, naming the layer where it first appeared. */
public class NumericalException extends FlowException {
  private static final long serialVersionUID = 1L;

  /** Creates the error; the message names the layer. */
  public NumericalException(String message) {
    super(message);
  }
}
