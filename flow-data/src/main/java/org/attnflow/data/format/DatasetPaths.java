package org.attnflow.data.format;

import com.typesafe.config.ConfigUtil;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.attnflow.api.config.Settings;

/**
 * Resolves the paths of a dataset block. A relative path starts at the directory of the
 * configuration file in which the key was written, or at the working directory when the value
 * has no file (a default, {@code --set}).
 */
final class DatasetPaths {
  private DatasetPaths() {}

  /** The path of {@code key}, failing at the key's file and line when no such file exists. */
  static Path existingFile(Settings settings, String key) {
    Path path = resolve(settings, key);
    if (!Files.isRegularFile(path)) {
      throw settings.error(key, "expected an existing file, found " + (Files.exists(path) ? "a folder" : "no file") + " at " + path);
    }
    return path;
  }

  /** The path of {@code key}, failing at the key's file and line when no such folder exists. */
  static Path existingFolder(Settings settings, String key) {
    Path path = resolve(settings, key);
    if (!Files.isDirectory(path)) {
      throw settings.error(key, "expected an existing folder, found " + (Files.exists(path) ? "a file" : "nothing") + " at " + path);
    }
    return path;
  }

  /** The path of {@code key}, resolved against the directory of the file that set it. */
  static Path resolve(Settings settings, String key) {
    String value = settings.string(key);
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      throw settings.error(key, "expected a file path, found \"" + value + "\": " + e.getReason());
    }
    String origin = settings.config().getValue(ConfigUtil.joinPath(key)).origin().filename();
    Path base = origin != null ? Path.of(origin).toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
    return base.resolve(path).normalize();
  }
}
