package org.attnflow.cli.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The runs and studies in a served folder: a folder with a {@code config.conf} is a run (nothing
 * below it is looked at), one with a {@code study.md} or {@code study.csv} is a study, whose runs
 * lie below it ({@code <config>/seed-<s>/}). Symbolic links and hidden folders are not followed,
 * and the search stops {@value #DEPTH} folders down.
 *
 * @param runs the runs' folders, in path order
 * @param studies the studies' folders, in path order
 */
record RunCatalog(List<Path> runs, List<Path> studies) {
  private static final int DEPTH = 6;

  /** Finds the runs and studies under {@code root}. A folder deleted during the search is left out. */
  static RunCatalog of(Path root) {
    List<Path> runs = new ArrayList<>();
    List<Path> studies = new ArrayList<>();
    try {
      Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), DEPTH, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (Files.isRegularFile(dir.resolve("config.conf"))) {
            runs.add(dir);
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (Files.isRegularFile(dir.resolve("study.md")) || Files.isRegularFile(dir.resolve("study.csv"))) {
            studies.add(dir);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    runs.sort(null);
    studies.sort(null);
    return new RunCatalog(List.copyOf(runs), List.copyOf(studies));
  }

  /** The runs that lie below {@code study}. */
  List<Path> runsOf(Path study) {
    return runs.stream().filter(run -> run.startsWith(study) && !run.equals(study)).toList();
  }
}
