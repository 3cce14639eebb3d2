package org.attnflow.cli;

import org.attnflow.api.FlowException;

/** A command line that does not fit the command's synopsis. */
final class UsageException extends FlowException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
