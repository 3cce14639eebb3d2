package org.attnflow.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The allocator settings reach glibc on Linux, and libtorch's huge-page switch reaches the native
 * environment without overriding a user's own (the figures are in NativeMemory).
 */
class NativeMemoryTest {
  @Test
  void glibcAcceptsTheSettings() {
    assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "glibc only");
    assumeTrue(System.getenv("MALLOC_MMAP_THRESHOLD_") == null, "the environment sets the allocator itself");
    assertTrue(NativeMemory.tune(), "mallopt refused the settings or could not be called");
  }

  @Test
  void hugePagesAreSwitchedOnForLibtorchUnlessTheUserChose() {
    assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "glibc only");
    NativeMemory.tune();
    String seen = Function.getFunction("c", "getenv").invokeString(new Object[] {"THP_MEM_ALLOC_ENABLE"}, false);
    assertEquals(Objects.requireNonNullElse(System.getenv("THP_MEM_ALLOC_ENABLE"), "1"), seen);
  }
}
