package org.attnflow.cli.common;

import org.attnflow.api.FlowException;

/** A command line that does not fit the command's synopsis. */
public final class UsageException extends FlowException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
