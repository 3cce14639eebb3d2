package org.attnflow.cli.common;

/**
 * How to start this command line in another JVM: its module and main class, named here for code
 * below the entry package (a study's child runs), which must not depend on it.
 */
public final class Application {
  /** The module of the command line. */
  public static final String MODULE = "org.attnflow.cli";
  /** The class whose {@code main} runs the command line. */
  public static final String MAIN_CLASS = "org.attnflow.cli.Main";

  private Application() {}
}
