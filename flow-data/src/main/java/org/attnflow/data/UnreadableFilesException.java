package org.attnflow.data;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Some files of a folder dataset could not be read: every such file with its reason, collected
 * rather than stopping at the first. The message names the folder, how many failed and the first
 * {@value #SHOWN}; {@link #files()} has them all.
 */
public final class UnreadableFilesException extends DataFormatException {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN = 3;
  /** The files and why each failed. */
  private final transient List<BadFile> files;

  /** One file that could not be read, and why. */
  public record BadFile(Path file, String reason) {}

  /** Reports {@code files}, at least one, of the {@code total} files of {@code folder}. */
  public UnreadableFilesException(Path folder, int total, List<BadFile> files) {
    super(folder, files.size() + " of " + total + " files cannot be read: " + files.stream().limit(SHOWN)
        .map(f -> f.file().getFileName() + ": " + f.reason()).collect(Collectors.joining("; "))
        + (files.size() > SHOWN ? "; and " + (files.size() - SHOWN) + " more" : ""));
    this.files = List.copyOf(files);
  }

  /** Every file that could not be read, in path order, with its reason. */
  public List<BadFile> files() {
    return files;
  }
}
