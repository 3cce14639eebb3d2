package org.attnflow.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory (Java heap and native), from Linux's /proc/self/status. */
public final class Memory {
  private Memory() {}

  /** Current resident set size in MB (VmRSS), or NaN where /proc is not available. */
  public static double residentMb() {
    return field("VmRSS:");
  }

  /** Peak resident set size in MB (VmHWM), or NaN where /proc is not available. */
  public static double peakResidentMb() {
    return field("VmHWM:");
  }

  private static double field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
