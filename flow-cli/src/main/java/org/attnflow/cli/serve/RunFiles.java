package org.attnflow.cli.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pictures and checkpoints of a run directory: the sample grids that {@code train} writes to
 * {@code samples/stepNNNNNNN-tT.png}, the attention maps that {@code attention} writes
 * ({@code imageNNNNN.png} and {@code imageNNNNN-LL-layer.png}) to a folder of the run, and the
 * checkpoint files. Hidden files, files that vanish while they are listed and links that lead out
 * of the run directory are left out.
 */
final class RunFiles {
  private static final Pattern GRID = Pattern.compile("step(\\d+)-t([0-9.]+)\\.png");
  private static final Pattern ATTENTION = Pattern.compile("image\\d{5}(-\\d{2}-.+)?\\.png");
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-.+\\.ckpt(\\.diverged)?");

  /**
   * A checkpoint file.
   *
   * @param name its file name
   * @param bytes its size
   * @param modified when it was last written
   */
  record CheckpointFile(String name, long bytes, Instant modified) {}

  private RunFiles() {}

  /** Temperature (as written in the names) → step → the grid's file, in step order. */
  static Map<String, NavigableMap<Long, Path>> grids(Path run) {
    Map<String, NavigableMap<Long, Path>> grids = new TreeMap<>();
    for (Path file : list(run.resolve("samples"), run)) {
      Matcher m = GRID.matcher(file.getFileName().toString());
      if (m.matches()) {
        grids.computeIfAbsent(m.group(2), t -> new TreeMap<>()).put(Long.parseLong(m.group(1)), file);
      }
    }
    return grids;
  }

  /**
   * Folder of the run → the attention pictures in it, the test image before its maps; folders
   * without any are left out.
   */
  static Map<Path, List<Path>> attentionMaps(Path run) {
    Map<Path, List<Path>> maps = new TreeMap<>();
    for (Path folder : list(run, run)) {
      if (!Files.isDirectory(folder) || folder.getFileName().toString().equals("samples")) {
        continue;
      }
      List<Path> pictures = list(folder, run).stream().filter(f -> ATTENTION.matcher(f.getFileName().toString()).matches())
          .sorted(Comparator.comparing(f -> f.getFileName().toString().replaceFirst("\\.png$", ""))).toList();
      if (!pictures.isEmpty()) {
        maps.put(folder, pictures);
      }
    }
    return maps;
  }

  /** The checkpoint files, by name (set-aside {@code .diverged} ones included). */
  static List<CheckpointFile> checkpoints(Path run) {
    List<CheckpointFile> files = new ArrayList<>();
    for (Path file : list(run, run)) {
      if (CHECKPOINT.matcher(file.getFileName().toString()).matches()) {
        try {
          BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
          files.add(new CheckpointFile(file.getFileName().toString(), a.size(), a.lastModifiedTime().toInstant()));
        } catch (IOException vanished) {
          // replaced or deleted meanwhile: the next refresh shows what is there
        }
      }
    }
    return files;
  }

  /**
   * The entries of {@code folder} that are not hidden and lie inside the run directory {@code run}
   * (a real path) once symbolic links are followed, by name; none when it is missing.
   */
  private static List<Path> list(Path folder, Path run) {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(f -> !f.getFileName().toString().startsWith(".") && inside(f, run)).sorted().toList();
    } catch (IOException missing) {
      return List.of();
    }
  }

  private static boolean inside(Path file, Path run) {
    try {
      return file.toRealPath().startsWith(run);
    } catch (IOException vanished) {
      return false;
    }
  }
}
