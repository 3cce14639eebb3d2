package org.attnflow.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Engine calls and the share of wall time outside them over a few units of work (training steps
 * or sampling batches) run under the engine's operator profiler, which records every native
 * operation with its input shapes and time. The trace is kept in a given file (Chrome trace
 * format: chrome://tracing, Perfetto or bench/profile_summary.py) or in a temporary one that is
 * deleted once counted. The profiler's own memory is left out of the benchmark's peak ({@link
 * Memory#leaveOutFromPeak}).
 */
public final class EngineCount {
  private final Path trace;
  private final boolean keep;
  private double wallSeconds;
  private int units;

  /** Starts the profiler; the trace goes to {@code trace}, or to a temporary file when it is null. */
  public EngineCount(Path trace) {
    try {
      this.keep = trace != null;
      this.trace = keep ? trace.toAbsolutePath() : Files.createTempFile("attnflow-trace", ".json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Memory.notePeak();
    JniUtils.startProfile(false, true, false);
  }

  /** The trace file next to {@code trace} with {@code -suffix} before the extension, or null for null. */
  public static Path sibling(Path trace, String suffix) {
    if (trace == null) {
      return null;
    }
    String name = trace.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return trace.resolveSibling(dot > 0 ? name.substring(0, dot) + "-" + suffix + name.substring(dot) : name + "-" + suffix);
  }

  /** Counts one unit of work that took {@code seconds} of wall time. */
  public void add(double seconds) {
    wallSeconds += seconds;
    units++;
  }

  /** Stops the profiler and gives the figures per unit of work. */
  public Figures stop() {
    JniUtils.stopProfile(trace.toString());
    Memory.leaveOutFromPeak();
    try {
      EngineCalls calls = EngineCalls.read(trace);
      if (!keep) {
        Files.delete(trace);
      }
      return new Figures((double) calls.calls() / units, 1 - calls.seconds() / wallSeconds);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param callsPerUnit top-level engine calls per unit of work
   * @param outsideShare 1 − (time inside those calls) / (wall time of the units)
   */
  public record Figures(double callsPerUnit, double outsideShare) {}
}
