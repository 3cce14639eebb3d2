package org.attnflow.cli.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.FlowException;

/**
 * The folder a server shows, and the only files it may read: a request names a path relative to
 * the folder, one name per segment. A segment that is empty, starts with a dot (so {@code .},
 * {@code ..} and hidden files), holds a slash, a backslash or a NUL, or is badly percent-encoded
 * names nothing, whether it came plainly or encoded; and a path whose real location (symbolic
 * links followed) is outside the folder names nothing either.
 */
final class ServedTree {
  private final Path root;

  /** The tree of the existing folder {@code root}. */
  ServedTree(Path root) {
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new FlowException("cannot serve " + root + ": it does not exist or cannot be read (" + e.getMessage() + ")", e);
    }
    if (!Files.isDirectory(this.root)) {
      throw new FlowException("cannot serve " + root + ": it is not a folder");
    }
  }

  /** The folder, as its real path. */
  Path root() {
    return root;
  }

  /** The existing file or folder named by a raw (percent-encoded) relative path, when it is inside the tree. */
  Optional<Path> resolveRaw(String rawRelative) {
    List<String> names = new ArrayList<>();
    for (String segment : segments(rawRelative)) {
      Optional<String> name = percentDecoded(segment);
      if (name.isEmpty()) {
        return Optional.empty();
      }
      names.add(name.get());
    }
    return resolve(names);
  }

  /** The existing file or folder named by a decoded relative path ({@code a/b/c}), when it is inside the tree. */
  Optional<Path> resolve(String relative) {
    return resolve(segments(relative));
  }

  /** The path of {@code file} relative to the root, with forward slashes ("" for the root). */
  String relative(Path file) {
    List<String> names = new ArrayList<>();
    root.relativize(file).forEach(name -> names.add(name.toString()));
    return String.join("/", names);
  }

  private static List<String> segments(String relative) {
    String trimmed = relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
    return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
  }

  private Optional<Path> resolve(List<String> names) {
    Path path = root;
    for (String name : names) {
      if (!allowed(name)) {
        return Optional.empty();
      }
      path = path.resolve(name);
    }
    try {
      Path real = path.toRealPath();
      return real.startsWith(root) ? Optional.of(real) : Optional.empty();
    } catch (IOException missing) {
      return Optional.empty();
    }
  }

  private static boolean allowed(String name) {
    return !name.isEmpty() && !name.startsWith(".") && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
  }

  /** A path segment with its %XX escapes decoded as UTF-8; empty when an escape or the UTF-8 is bad. */
  private static Optional<String> percentDecoded(String segment) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < segment.length()) {
      int escape = segment.indexOf('%', i);
      int end = escape < 0 ? segment.length() : escape;
      bytes.writeBytes(segment.substring(i, end).getBytes(StandardCharsets.UTF_8));
      if (escape < 0) {
        break;
      }
      int hi = escape + 2 < segment.length() ? Character.digit(segment.charAt(escape + 1), 16) : -1;
      int lo = escape + 2 < segment.length() ? Character.digit(segment.charAt(escape + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        return Optional.empty();
      }
      bytes.write(hi * 16 + lo);
      i = escape + 3;
    }
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
