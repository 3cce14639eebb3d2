package org.attnflow.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The physical memory a new allocation can get without swapping: the kernel's {@code MemAvailable}
 * ({@code /proc/meminfo}), lowered to what the process's cgroup v2 limit leaves
 * ({@code /sys/fs/cgroup/memory.max} less {@code memory.current}). What cannot be read (on a
 * system other than Linux) sets no limit.
 */
final class AvailableMemory {
  private AvailableMemory() {}

  /** The available bytes, or {@link Long#MAX_VALUE} when unknown. */
  static long bytes() {
    return Math.min(memAvailable(), cgroupRoom());
  }

  private static long memAvailable() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return Long.MAX_VALUE;
  }

  private static long cgroupRoom() {
    try {
      Path cgroup = Path.of("/sys/fs/cgroup");
      String max = Files.readString(cgroup.resolve("memory.max")).trim();
      return max.equals("max") ? Long.MAX_VALUE
          : Math.max(0, Long.parseLong(max) - Long.parseLong(Files.readString(cgroup.resolve("memory.current")).trim()));
    } catch (IOException | NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
