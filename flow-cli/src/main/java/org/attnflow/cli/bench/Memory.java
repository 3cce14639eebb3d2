package org.attnflow.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.attnflow.cli.common.NativeMemory;

/**
 * The process's resident memory (Java heap and native), from Linux's /proc/self/status, with the
 * spans of the benchmark's own instrumentation left out of the peak (see {@link #leaveOutFromPeak}).
 */
public final class Memory {
  private static double peakBeforeLeftOut;

  private Memory() {}

  /** Current resident set size in MB (VmRSS), or NaN where /proc is not available. */
  public static double residentMb() {
    return field("VmRSS:");
  }

  /**
   * Peak resident set size in MB (VmHWM), or NaN where /proc is not available, leaving out the
   * spans since {@link #notePeak()} that {@link #leaveOutFromPeak()} ended.
   */
  public static double peakResidentMb() {
    return Math.max(peakBeforeLeftOut, field("VmHWM:"));
  }

  /** Notes the peak so far, before a span that is to be left out starts. */
  public static void notePeak() {
    peakBeforeLeftOut = Math.max(peakBeforeLeftOut, field("VmHWM:"));
  }

  /**
   * Ends a span to be left out of the peak: hands the native memory it freed back to the system
   * and restarts the kernel's peak from the current resident size (writing 5 to
   * /proc/self/clear_refs). The engine's operator profiler needs this: in three marflow32 training
   * steps it raised the resident size from 0.84 to 2.05 GB. Where the peak cannot be restarted, the
   * span stays in it.
   */
  public static void leaveOutFromPeak() {
    NativeMemory.trim();
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or not allowed: the span stays in the peak
    }
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
