package org.attnflow.cli;

import org.attnflow.cli.common.EngineEnvironment;
import org.attnflow.cli.common.NativeMemory;

/** The entry point of the {@code attnflow} command. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    EngineEnvironment.offline();
    NativeMemory.tune();
    System.exit(new Cli(System.out, System.err).run(args));
  }
}
