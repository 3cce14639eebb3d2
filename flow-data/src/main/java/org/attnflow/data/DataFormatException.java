package org.attnflow.data;

import java.nio.file.Path;
import org.attnflow.api.FlowException;

/**
 * A dataset file that is missing, corrupt or not what was expected. The message starts with the
 * file and says where in it (byte offset, record or image) and what was expected versus found.
 */
public class DataFormatException extends FlowException {
  private static final long serialVersionUID = 1L;
  private final String problem;

  /** Creates an error about {@code file}; the message reads {@code file: problem}. */
  public DataFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.problem = problem;
  }

  /** Creates an error about {@code file} caused by {@code cause}. */
  public DataFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.problem = problem;
  }

  /** What was wrong, without the file. */
  public String problem() {
    return problem;
  }
}
