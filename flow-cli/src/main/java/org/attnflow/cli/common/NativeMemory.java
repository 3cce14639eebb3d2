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
 *
 * <p>It also sets {@code THP_MEM_ALLOC_ENABLE=1} in the process environment unless it is set
 * already, which libtorch reads at its first allocation: arrays of 2 MB and more are then aligned
 * to huge pages and marked for them ({@code madvise}), so a fresh 67 MB attention array is
 * faulted in 32 times instead of 16,000. Softmax over marflow-mlc32's (64, 4, 256, 256) scores
 * took 11.5 instead of 27 ms (docs/design.md, "Speed"). It matters where the kernel's transparent
 * huge pages are set to {@code madvise} or {@code always}; with {@code never} nothing changes.
 */
public final class NativeMemory {
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_THRESHOLD = -3;
  private static final int MMAP_THRESHOLD = 32 << 20;
  private static final int TRIM_THRESHOLD = 1 << 30;
  private static final int TOP_PAD = 256 << 20;

  private NativeMemory() {}

  /** Applies the settings; returns whether glibc accepted the allocator's. */
  public static boolean tune() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return false;
    }
    try {
      Function.getFunction("c", "setenv").invokeInt(new Object[] {"THP_MEM_ALLOC_ENABLE", "1", 0});
      if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null || System.getenv("MALLOC_TRIM_THRESHOLD_") != null
          || System.getenv("MALLOC_TOP_PAD_") != null) {
        return false;
      }
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
