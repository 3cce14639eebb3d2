package org.attnflow.models.config;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.attnflow.api.config.Settings;

/** Resolves the {@code device} key: auto (a GPU when the engine sees one), cpu or gpu. */
public final class Devices {
  private Devices() {}

  /** The device named at the root key {@code device}. */
  public static Device resolve(Settings root) {
    String name = root.choice("device", "auto", "cpu", "gpu");
    Engine engine = Engine.getInstance();
    switch (name) {
      case "cpu":
        return Device.cpu();
      case "gpu":
        if (engine.getGpuCount() == 0) {
          throw root.error("device", "expected a visible GPU, found none (this build has engine "
              + engine.getEngineName() + " " + engine.getVersion() + "; see the README's GPU section)");
        }
        return Device.gpu();
      default:
        return engine.defaultDevice();
    }
  }
}
