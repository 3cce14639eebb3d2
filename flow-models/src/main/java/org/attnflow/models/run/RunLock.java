package org.attnflow.models.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.attnflow.api.FlowException;

/**
 * The one writer of a run directory: an operating-system lock on {@code train.lock}, which holds
 * the holder's process id and host. The system releases the lock when the holder dies, however it
 * dies, so a lock file left by a killed trainer is stale and is taken over with a message; a live
 * holder makes the second trainer fail with its process id and host. An empty file is a released
 * lock. Readers take no lock.
 */
public final class RunLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of the run directory {@code dir}; {@code warn} hears of a stale lock taken over.
   *
   * @throws FlowException when another live process holds it
   */
  public static RunLock acquire(Path dir, Consumer<String> warn) {
    Path file = dir.resolve("train.lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      String previous = holder(channel);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
      if (lock == null) {
        throw new FlowException(dir + " is being trained by another process (" + describe(previous)
            + ", lock " + file + "): wait for it to finish or stop it; evaluate and sample work meanwhile");
      }
      if (!previous.isBlank()) {
        warn.accept("took over the lock of " + dir + " left by a stopped trainer (" + describe(previous) + ")");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((self() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      return new RunLock(file, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new FlowException("cannot lock run directory " + dir + " (" + file + "): " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Whether a trainer holds the lock of the run directory {@code dir}, as a reader can tell without
   * taking the lock (taking it, even briefly, could turn a starting trainer away): the lock file
   * names a holder, and that process is alive when it runs on this host. A holder on another host
   * counts as alive; a missing or empty file is no holder.
   */
  public static boolean isHeld(Path dir) {
    String holder;
    try {
      holder = Files.readString(dir.resolve("train.lock"), StandardCharsets.UTF_8).trim();
    } catch (IOException noLock) {
      return false;
    }
    int at = holder.indexOf('@');
    if (at < 0 || !holder.substring(at + 1).equals(host())) {
      return !holder.isEmpty();
    }
    try {
      return ProcessHandle.of(Long.parseLong(holder.substring(0, at))).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException notAProcess) {
      return true;
    }
  }

  /**
   * Empties the lock file and releases the lock. The file stays: deleting it would let a trainer
   * that opened it just before hold a lock on a file that a third one no longer sees.
   */
  @Override
  public void close() {
    try (channel) {
      channel.truncate(0);
      channel.force(true);
      lock.release();
    } catch (IOException e) {
      throw new FlowException("cannot release the lock " + file + ": " + e.getMessage(), e);
    }
  }

  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 256));
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
  }

  private static String describe(String holder) {
    return holder.isBlank() ? "holder unknown" : "process " + holder.replace("@", " on host ");
  }

  private static String self() {
    return ProcessHandle.current().pid() + "@" + host();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
    }
  }
}
