package org.attnflow.cli.common;

import com.sun.jna.Function;
import java.util.Locale;

/**
 * Tunes glibc's allocator for the engine's tensors before the first one exists.
 *
 * <p>The Java main thread is not the process's first thread, so glibc serves it from a secondary
 * arena whose memory it hands back to the kernel eagerly: a freed multi-megabyte activation is
 * returned and the next one is faulted in afresh, page by page. On glow32 that is 4.2 million
 * page faults in 70 training steps against 0.18 million with the settings below (a PyTorch eager
 * process, whose main thread uses the main arena, has 0.19 million), and training is ~20% faster.
 * The settings: blocks up to 32 MB come from the heap instead of their own mappings, the heap is
 * trimmed only beyond 1 GB of free space at its top, and grows 256 MB at a time. Environment
 * variables that set any of these ({@code MALLOC_MMAP_THRESHOLD_}, {@code MALLOC_TRIM_THRESHOLD_},
 * {@code MALLOC_TOP_PAD_}) win; on a system without glibc nothing changes.
 */
public final class NativeMemory {
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_THRESHOLD = -3;
  private static final int MMAP_THRESHOLD = 32 << 20;
  private static final int TRIM_THRESHOLD = 1 << 30;
  private static final int TOP_PAD = 256 << 20;

  private NativeMemory() {}

  /** Applies the settings; returns whether glibc accepted them. */
  public static boolean tune() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
        || System.getenv("MALLOC_MMAP_THRESHOLD_") != null || System.getenv("MALLOC_TRIM_THRESHOLD_") != null
        || System.getenv("MALLOC_TOP_PAD_") != null) {
      return false;
    }
    try {
      Function mallopt = Function.getFunction("c", "mallopt");
      return mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1
          & mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1
          & mallopt.invokeInt(new Object[] {M_TOP_PAD, TOP_PAD}) == 1;
    } catch (UnsatisfiedLinkError e) {
      return false; // not glibc (musl has no mallopt): keep the allocator's defaults
    }
  }

  /**
   * Hands the free memory of every arena back to the system ({@code malloc_trim(0)}), which the
   * settings above otherwise keep for reuse; does nothing without glibc.
   */
  public static void trim() {
    try {
      Function.getFunction("c", "malloc_trim").invokeInt(new Object[] {0});
    } catch (UnsatisfiedLinkError e) {
      // not glibc: nothing to trim
    }
  }
}
