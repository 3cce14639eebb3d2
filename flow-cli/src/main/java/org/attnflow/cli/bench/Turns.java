package org.attnflow.cli.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lets two benchmark processes take turns on the machine, unit by unit (a training step, a
 * sampling batch), so that both see the same drift of a shared machine's speed and their ratio
 * stays meaningful. The turn is a token passed through two named pipes in one folder: this side
 * reads it from {@code DIR/java} and hands it on to {@code DIR/pytorch} (the PyTorch reference,
 * {@code bench/pytorch/attnflow_bench.py --take-turns DIR}, does the opposite). Before its first
 * turn each side creates {@code DIR/<name>.ready}; {@code bench/side-by-side.sh} makes the pipes,
 * waits for both markers and gives the first token. The side that finishes first sends
 * {@code f} instead of the token and waits, so that its exit does not run during the other's
 * turns; the other runs on alone and, when finished, sends {@code d}, which releases it. The
 * script sends {@code d} to both when either process ends, so a failure never leaves the other
 * waiting.
 */
public final class Turns implements AutoCloseable {
  private static final int TOKEN = 't';
  private static final int FINISHED = 'f';
  private static final int DONE = 'd';

  private final Path dir;
  private RandomAccessFile mine;
  private RandomAccessFile theirs;
  private boolean alone;
  private boolean otherWaits;
  private boolean closed;

  /** Turns through the pipes in {@code dir}, or none when {@code dir} is null. */
  public Turns(Path dir) {
    this.dir = dir;
  }

  /** Waits until it is this side's turn (returns at once when alone). */
  public void take() {
    if (dir == null || alone) {
      return;
    }
    try {
      if (mine == null) {
        // read-write opens of a pipe do not wait for the other end (Linux)
        mine = new RandomAccessFile(pipe("java").toFile(), "rw");
        theirs = new RandomAccessFile(pipe("pytorch").toFile(), "rw");
        Files.createFile(dir.resolve("java.ready"));
      }
      int b = mine.read();
      if (b == FINISHED) {
        alone = true;
        otherWaits = true;
      } else if (b == DONE || b < 0) {
        alone = true;
      } else if (b != TOKEN) {
        throw new IllegalStateException(dir.resolve("java") + ": expected a turn token, read byte " + b);
      }
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Hands the turn to the other side. */
  public void give() {
    if (theirs == null || alone) {
      return;
    }
    try {
      theirs.write(TOKEN);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * Ends this side's turns (once; later calls do nothing): while the other side still takes
   * turns, this one says it is finished and waits until the other is done; otherwise it releases
   * the other if that is waiting.
   */
  @Override
  public void close() {
    if (closed || mine == null) {
      return;
    }
    closed = true;
    try (RandomAccessFile in = mine; RandomAccessFile out = theirs) {
      if (!alone) {
        out.write(FINISHED);
        int b;
        do {
          b = in.read();
        } while (b != DONE && b >= 0);
      } else if (otherWaits) {
        out.write(DONE);
      }
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private UncheckedIOException failure(IOException e) {
    return new UncheckedIOException("taking turns through " + dir + ": " + e.getMessage(), e);
  }

  private Path pipe(String name) throws IOException {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      throw new IOException(p + " does not exist; bench/side-by-side.sh makes the pipes (mkfifo)");
    }
    return p;
  }
}
