package org.attnflow.cli.common;

/**
 * Keeps DJL's engine off the network: offline mode (never download) and no telemetry. Must run
 * before anything touches {@code ai.djl.engine.Engine}.
 */
public final class EngineEnvironment {
  private EngineEnvironment() {}

  public static void offline() {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("DJL_DISABLE_PROGRESS_BAR", "true");
  }
}
