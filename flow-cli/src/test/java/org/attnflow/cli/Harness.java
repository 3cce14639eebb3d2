package org.attnflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/** Shared helpers of the CLI tests: running the command line, tiny data and tiny configurations. */
final class Harness {
  /** Matches the typical marks of a leaked stack trace or raw exception in an error line. */
  private static final Pattern STACK = Pattern.compile("(^|\\s)at [a-z]+\\.[\\w.$]+\\(|Exception in thread|Caused by:");
  private static final Pattern RAW_EXCEPTION = Pattern.compile("\\b[A-Z]\\w*(Exception|Error)(\\$\\w+)?:");

  private Harness() {}

  /** What one command line produced. */
  record Result(int status, String out, String err) {
    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  /** Runs {@code attnflow args…} in this JVM, capturing both streams. */
  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = new Cli(o, e).run(args);
    }
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Asserts a successful command with nothing on stderr. */
  static Result assertOk(Result r) {
    assertEquals(0, r.status(), () -> "expected success: " + r);
    assertEquals("", r.err(), () -> "expected an empty stderr: " + r);
    return r;
  }

  /**
   * Asserts that the command failed with {@code status} and exactly one line on stderr that
   * starts with "attnflow" and shows neither a stack trace nor a raw exception class name.
   */
  static String assertOneLineError(Result r, int status) {
    assertEquals(status, r.status(), () -> "unexpected exit status: " + r);
    String err = r.err();
    assertTrue(err.endsWith("\n"), () -> "stderr must be one terminated line: " + r);
    String line = err.substring(0, err.length() - 1);
    assertFalse(line.isBlank(), () -> "expected an error message: " + r);
    assertFalse(line.contains("\n") || line.contains("\r"), () -> "expected ONE line on stderr: " + r);
    assertTrue(line.startsWith("attnflow"), () -> "the error should name the command: " + r);
    assertFalse(STACK.matcher(line).find(), () -> "stack trace on stderr: " + r);
    assertFalse(RAW_EXCEPTION.matcher(line).find(), () -> "raw exception class in the message: " + r);
    return line;
  }

  /** Writes an IDX image file (gzip) of {@code count} random {@code rows}×{@code columns} images. */
  static void writeIdx(Path file, int count, int rows, int columns, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] pixels = new byte[count * rows * columns];
    random.nextBytes(pixels);
    try (OutputStream raw = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
      out.writeInt(0x00000803);
      out.writeInt(count);
      out.writeInt(rows);
      out.writeInt(columns);
      out.write(pixels);
    }
  }

  /** Writes an IDX label file (gzip) of {@code count} labels drawn from 0..classes − 1. */
  static void writeIdxLabels(Path file, int count, int classes, long seed) throws IOException {
    Random random = new Random(seed);
    try (OutputStream raw = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
      out.writeInt(0x00000801);
      out.writeInt(count);
      for (int i = 0; i < count; i++) {
        out.write(random.nextInt(classes));
      }
    }
  }

  /** The tiny data set: 64 training and 32 test images of 1×8×8 in {@code dir}. */
  static TinyData tinyData(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path train = dir.resolve("train-images-idx3-ubyte.gz");
    Path test = dir.resolve("t10k-images-idx3-ubyte.gz");
    writeIdx(train, 64, 8, 8, 1);
    writeIdx(test, 32, 8, 8, 2);
    return new TinyData(train, test);
  }

  /** Paths of the tiny data set. */
  record TinyData(Path train, Path test) {}

  /** A HOCON string literal. */
  static String quote(Object path) {
    return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * A tiny configuration: a two-level Glow on 1×8×8 with one step per level and 8 hidden
   * channels, the tiny data, and a short training schedule. {@code step} is the HOCON list of
   * the layers of one step.
   */
  static String tinyConfig(TinyData data, String step) {
    return "device = cpu\n"
        + "model {\n"
        + "  input = [1, 8, 8]\n"
        + "  levels = 2\n"
        + "  steps = 1\n"
        + "  step = " + step + "\n"
        + "}\n"
        + "data {\n"
        + "  dataset { type = idx, train = " + quote(data.train()) + ", test = " + quote(data.test()) + " }\n"
        + "  pad = 0\n"
        + "}\n"
        + "train {\n"
        + "  steps = 6\n"
        + "  batch-size = 8\n"
        + "  eval-batch-size = 16\n"
        + "  eval-every = 3\n"
        + "  log-every = 1\n"
        + "  checkpoint-every = 3\n"
        + "  warmup-steps = 2\n"
        + "  samples = 4\n"
        + "  sample-temperatures = [0.7]\n"
        + "}\n";
  }

  /** The usual Glow step at width 8. */
  static final String GLOW_STEP = "[ { type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8 } ]";

  /** Writes the tiny configuration to {@code dir/tiny.conf} and returns its path. */
  static Path writeTinyConfig(Path dir, TinyData data) throws IOException {
    Path file = dir.resolve("tiny.conf");
    Files.writeString(file, tinyConfig(data, GLOW_STEP));
    return file;
  }

  /** The module directory's view of a file of the repository (tests run in flow-cli/). */
  static Path repo(String first, String... more) {
    Path here = Path.of("").toAbsolutePath();
    Path root = Files.isDirectory(here.resolve("flow-cli")) ? here : here.getParent();
    return root.resolve(Path.of(first, more));
  }
}
