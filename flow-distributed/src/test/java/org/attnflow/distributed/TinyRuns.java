package org.attnflow.distributed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.attnflow.cli.Cli;

/** The tests' tiny runs: a small configuration on the repository's data, and the command line run in this JVM. */
final class TinyRuns {
  private TinyRuns() {}

  /** What one command line produced. */
  record Result(int status, String out, String err) {
    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  /**
   * A two-level Glow with one step per level on the repository's Fashion-MNIST subset at 28×28:
   * {@code steps} steps of batch 8, evaluated on 100 test images and checkpointed every 10 steps.
   */
  static String config(int steps) {
    Path data = repo("data", "fashion-mnist-mini");
    return "device = cpu\n"
        + "model { input = [1, 28, 28], levels = 2, steps = 1\n"
        + "  step = [ { type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8 } ] }\n"
        + "data { pad = 0, dataset { type = idx, train = \"" + data.resolve("train-images-idx3-ubyte.gz")
        + "\", test = \"" + data.resolve("t10k-images-idx3-ubyte.gz") + "\" } }\n"
        + "train { steps = " + steps + ", batch-size = 8, eval-batch-size = 100, eval-limit = 100, eval-every = 10\n"
        + "  log-every = 1, checkpoint-every = 10, warmup-steps = 2, epsilon = 1e-3, samples = 4, sample-temperatures = [0.7] }\n";
  }

  /** A path of the repository (the tests run in flow-distributed/). */
  static Path repo(String first, String... more) {
    return Path.of("..").toAbsolutePath().normalize().resolve(Path.of(first, more));
  }

  /** Runs {@code attnflow train args…} in this JVM (the workers it starts are JVMs of their own). */
  static Result train(String... args) {
    return command("train", args);
  }

  /** Runs {@code attnflow COMMAND args…} in this JVM (the workers it starts are JVMs of their own). */
  static Result command(String command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] line = new String[args.length + 1];
    line[0] = command;
    System.arraycopy(args, 0, line, 1, args.length);
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = new Cli(o, e).run(line);
    }
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
