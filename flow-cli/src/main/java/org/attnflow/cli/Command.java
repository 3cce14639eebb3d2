package org.attnflow.cli;

import java.io.PrintStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One sub-command of {@code attnflow}. */
interface Command {

  /** The name typed after {@code attnflow}. */
  String name();

  /** The argument synopsis after the name, e.g. {@code RUN_DIR [options]}. */
  String synopsis();

  /** One line saying what it does. */
  String description();

  /** Its options. */
  Options options();

  /** Runs it; returns the exit status. Failures are thrown as {@link org.attnflow.api.FlowException}. */
  int run(CommandLine line, PrintStream out) throws Exception;
}
