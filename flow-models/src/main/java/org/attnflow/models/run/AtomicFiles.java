package org.attnflow.models.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.attnflow.api.FlowException;

/**
 * Writes files so that a reader sees either the old content or the complete new one: write a
 * temporary file beside the target, force it to disk, then rename it over the target.
 */
public final class AtomicFiles {
  private static final String TEMPORARY = ".tmp";

  private AtomicFiles() {}

  /** Whether {@code file} is the temporary file of a write that never finished (its writer died). */
  public static boolean isTemporary(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.endsWith(TEMPORARY);
  }

  /** What writes the content. */
  public interface Writer {
    /** Writes the whole content to {@code out}. */
    void write(OutputStream out) throws IOException;
  }

  /** Atomically replaces {@code target} with what {@code writer} writes. */
  public static void write(Path target, Writer writer) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), TEMPORARY);
      if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
        writer.write(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new FlowException("cannot write " + target + ": " + whyNotWritable(target).orElse(e.getMessage()), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the rename succeeded or the write failed; either way nothing more can be done
        }
      }
    }
  }

  /** Fails, saying why, when {@code target} cannot be written; a command calls it before its work. */
  public static void requireWritable(Path target) {
    whyNotWritable(target).ifPresent(why -> {
      throw new FlowException("cannot write " + target + ": " + why);
    });
  }

  /** The bytes free for {@code target} on the file system of the nearest existing folder on its path; unknown is unbounded. */
  public static long usableSpace(Path target) {
    Path folder = nearestExisting(target.toAbsolutePath().getParent());
    try {
      return folder == null ? Long.MAX_VALUE : Files.getFileStore(folder).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Why {@code target} cannot be written; empty when nothing is known against it. It cannot when it is a
   * folder, or the nearest existing folder on its path is a file or is not writable.
   */
  private static Optional<String> whyNotWritable(Path target) {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return Optional.of("it is a folder");
    }
    Path p = nearestExisting(absolute.getParent());
    if (p == null || Files.isDirectory(p) && Files.isWritable(p)) {
      return Optional.empty();
    }
    return Optional.of(Files.isDirectory(p) ? "the folder " + p + " is not writable" : p + " is not a folder");
  }

  private static Path nearestExisting(Path path) {
    Path p = path;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p;
  }

  /** Atomically replaces {@code target} with {@code text} in UTF-8. */
  public static void writeString(Path target, String text) {
    write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
