package org.attnflow.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/**
 * The engine's own operator profiler over a window of training steps and one sampling batch:
 * every native operation (forward and autograd backward) with its input shapes and time, written
 * as Chrome traces (open them in chrome://tracing or Perfetto, or summarise them with
 * bench/profile_summary.py): the steps to the given file, the sampling batch next to it with
 * {@code -sampling} before the extension.
 */
public final class NativeProfile {
  private final Path file;
  private final long first;
  private final long last;

  /** Profiles steps {@code first}..{@code last} (1-based, inclusive) into {@code file}. */
  public NativeProfile(Path file, long first, long last) {
    this.file = file.toAbsolutePath();
    this.first = first;
    this.last = last;
  }

  /** Called after each step: starts recording after step first − 1, stops after step last. */
  public void stepped(long step) {
    if (step == first - 1) {
      JniUtils.startProfile(false, true, false);
    } else if (step == last) {
      JniUtils.stopProfile(file.toString());
    }
  }

  /** Runs {@code work} (one sampling batch) under the profiler, into the sampling trace. */
  public void sampling(Runnable work) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String sampling = dot > 0 ? name.substring(0, dot) + "-sampling" + name.substring(dot) : name + "-sampling";
    JniUtils.startProfile(false, true, false);
    try {
      work.run();
    } finally {
      JniUtils.stopProfile(file.resolveSibling(sampling).toString());
    }
  }
}
