package org.attnflow.data.format;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.attnflow.data.DataFormatException;

/**
 * A file read from start to end that counts its bytes, so that a short or failed read reports
 * the offset where the data ran out. Gzip is recognised by its magic number 0x1f8b, not by the
 * file name; offsets then count the decompressed bytes.
 */
final class TrackedInput implements AutoCloseable {
  private static final int BUFFER = 1 << 16;
  /** DEFLATE's largest compression ratio: one compressed byte expands to at most this many. */
  private static final long DEFLATE_MAX_RATIO = 1032;
  private final Path file;
  private final InputStream in;
  private final boolean compressed;
  private final long size;
  private long position;

  private TrackedInput(Path file, InputStream in, boolean compressed, long size) {
    this.file = file;
    this.in = in;
    this.compressed = compressed;
    this.size = size;
  }

  /** Opens {@code file}, decompressing it when it starts with the gzip magic number. */
  static TrackedInput open(Path file) {
    BufferedInputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot open the file: " + e, e);
    }
    try {
      long size = Files.size(file);
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      return new TrackedInput(file, gzip ? new GZIPInputStream(raw, BUFFER) : raw, gzip, size);
    } catch (IOException e) {
      try {
        raw.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new DataFormatException(file, "cannot read the header at byte offset 0: " + e, e);
    }
  }

  /** Describes an offset: {@code byte offset 16}, followed by {@code of the decompressed data} for gzip files. */
  String at(long offset) {
    return "byte offset " + offset + (compressed ? " of the decompressed data" : "");
  }

  /** The number of bytes read so far. */
  long position() {
    return position;
  }

  /**
   * Fails unless {@code length} more bytes of {@code what} can follow: a raw file must hold them,
   * and a compressed file must be large enough to expand to them. A header that claims more than
   * the file holds is so refused before its claim is allocated.
   */
  void requireAvailable(long length, String what) {
    if (!compressed && position + length > size) {
      throw truncated(size, length, what);
    }
    if (compressed && length > size * DEFLATE_MAX_RATIO) {
      throw new DataFormatException(file, "expected " + length + " bytes of " + what + " from " + at(position)
          + ", more than the " + size + " compressed bytes of the file can expand to (at most " + size * DEFLATE_MAX_RATIO + ")");
    }
  }

  /** Reads a big-endian 32-bit integer described by {@code what}. */
  int readInt(String what) {
    byte[] b = new byte[4];
    readFully(b, 0, 4, what);
    return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
  }

  /** Reads exactly {@code length} bytes of {@code what}, failing with the offset where they ran out. */
  void readFully(byte[] target, int offset, int length, String what) {
    int done = 0;
    try {
      for (int n; done < length && (n = in.read(target, offset + done, length - done)) >= 0; ) {
        done += n;
      }
    } catch (EOFException e) {
      // The compressed stream itself was cut short: report it like any other truncation.
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read at " + at(position + done) + ": " + e, e);
    }
    if (done < length) {
      throw truncated(position + done, length, what);
    }
    position += length;
  }

  private DataFormatException truncated(long end, long length, String what) {
    return new DataFormatException(file, "truncated: the data ends at " + at(end)
        + "; expected " + length + " bytes of " + what + " from offset " + position + ", found " + (end - position));
  }

  /** True when no byte follows. */
  boolean atEnd() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read at " + at(position) + ": " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot close the file: " + e, e);
    }
  }
}
