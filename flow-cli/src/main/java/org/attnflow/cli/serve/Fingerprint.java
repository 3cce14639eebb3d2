package org.attnflow.cli.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A short text that changes when a file below some folders is added, removed, grows or is
 * rewritten (the names, sizes and modification times of everything not hidden, without following
 * symbolic links). A page asks for its own every few seconds and reloads its content when it
 * changes.
 */
final class Fingerprint {
  private static final int DEPTH = 8;

  private Fingerprint() {}

  /** The fingerprint of {@code folders}. */
  static String of(List<Path> folders) {
    CRC32 crc = new CRC32();
    long[] files = {0};
    for (Path folder : folders) {
      add(crc, folder + (Files.isDirectory(folder) ? "" : " is gone"));
      try {
        Files.walkFileTree(folder, EnumSet.noneOf(FileVisitOption.class), DEPTH, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
            return !dir.equals(folder) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : visitFile(dir, a);
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
            if (!hidden(file)) {
              add(crc, file + "|" + a.size() + "|" + a.lastModifiedTime().toMillis());
              files[0]++;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
      } catch (IOException gone) {
        add(crc, folder + " cannot be read");
      }
    }
    return Long.toHexString(crc.getValue()) + "-" + files[0];
  }

  private static boolean hidden(Path file) {
    return file.getFileName() != null && file.getFileName().toString().startsWith(".");
  }

  private static void add(CRC32 crc, String entry) {
    crc.update((entry + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
