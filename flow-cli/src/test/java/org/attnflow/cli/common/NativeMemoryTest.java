package org.attnflow.cli.common;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The allocator settings reach glibc on Linux (the page-fault figures are in NativeMemory). */
class NativeMemoryTest {
  @Test
  void glibcAcceptsTheSettings() {
    assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("linux"), "glibc only");
    assumeTrue(System.getenv("MALLOC_MMAP_THRESHOLD_") == null, "the environment sets the allocator itself");
    assertTrue(NativeMemory.tune(), "mallopt refused the settings or could not be called");
  }
}
