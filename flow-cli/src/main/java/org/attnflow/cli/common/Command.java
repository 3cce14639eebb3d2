package org.attnflow.cli.common;

import java.io.PrintStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One sub-command of {@code attnflow}: its name, synopsis, one-line description, options and action. */
public abstract class Command {
  private final String name;
  private final String synopsis;
  private final String description;

  public Command(String name, String synopsis, String description) {
    this.name = name;
    this.synopsis = synopsis;
    this.description = description;
  }

  /** The name typed after {@code attnflow}. */
  public final String name() {
    return name;
  }

  /** The argument synopsis after the name, e.g. {@code RUN_DIR [options]}. */
  public final String synopsis() {
    return synopsis;
  }

  /** One line saying what it does. */
  public final String description() {
    return description;
  }

  /** Its options. */
  public abstract Options options();

  /** Runs it; returns the exit status. Failures are thrown as {@link org.attnflow.api.FlowException}. */
  public abstract int run(CommandLine line, PrintStream out) throws Exception;
}
