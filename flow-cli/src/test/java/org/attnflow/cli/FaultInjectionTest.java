package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected on purpose: generated configuration mutations, oversized requests and dataset
 * headers that overflow. Each must be accepted, or refused at once with exit 1 and one line on
 * stderr that names its cause and place, with no stack trace. The mutations come from a fixed
 * seed; a failure prints the mutated line.
 */
class FaultInjectionTest {
  private static final long SEED = 15;
  private static final int CHECK_MUTATIONS = 300;
  private static final int TRAIN_MUTATIONS = 12;
  /** What an oversized request may take to be refused, far below what it would take to run. */
  private static final long REFUSAL_MILLIS = 15_000;

  @TempDir Path tmp;
  private Harness.TinyData data;
  private String tiny;

  @BeforeEach
  void data() throws IOException {
    data = Harness.tinyData(tmp.resolve("data"));
    tiny = Harness.tinyConfig(data, Harness.GLOW_STEP);
  }

  @Test
  void configurationMutationsAreAcceptedOrNamedOnOneLineByCheck() throws IOException {
    List<String> failures = new ArrayList<>();
    for (ConfigMutations.Mutation m : ConfigMutations.of(tiny, SEED, CHECK_MUTATIONS)) {
      Path file = mutant(m);
      judge(m, file, run("check", file.toString()), failures);
    }
    assertEquals(List.of(), failures, () -> failures.size() + " of " + CHECK_MUTATIONS + " mutations misreported:\n"
        + String.join("\n", failures));
  }

  @Test
  void configurationMutationsAreAcceptedOrNamedOnOneLineByTrain() throws IOException {
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (ConfigMutations.Mutation m : ConfigMutations.of(tiny, SEED + 1, TRAIN_MUTATIONS)) {
      Path file = mutant(m);
      judge(m, file, run("train", "-c", file.toString(), "--steps", "1", "--out", tmp.resolve("run" + n++).toString()), failures);
    }
    assertEquals(List.of(), failures, () -> String.join("\n", failures));
  }

  @Test
  void checkRefusesAModelThatWillNotFitInMemoryAtOnce() throws IOException {
    Path file = tmp.resolve("huge.conf");
    // the default coupling width (512) on 3×4096×4096: hundreds of gigabytes of activations
    Files.writeString(file, tiny + "model.input = [3, 4096, 4096]\nmodel.step = [ { type = actnorm }, { type = affine-coupling } ]\n");
    String m = refusedQuickly("check", file.toString());
    assertTrue(m.contains("huge.conf:") && m.contains("model.input: a model on 3×4096×4096 needs about")
        && m.contains("of memory available"), m);
  }

  @Test
  void checkRefusesAModelOfTooManyLayersAtOnce() throws IOException {
    Path file = tmp.resolve("deep.conf");
    Files.writeString(file, tiny + "model.steps = 1000000000\n");
    String m = refusedQuickly("check", file.toString());
    assertTrue(m.contains("deep.conf:") && m.contains("model.steps: 2 levels of 1000000000 steps of 3 layers make"), m);
  }

  @Test
  void sampleRefusesOversizedRequestsAtOnce() throws IOException {
    Path config = Harness.writeTinyConfig(tmp, data);
    Path runDir = tmp.resolve("run");
    Harness.assertOk(run("train", "-c", config.toString(), "--steps", "1", "--out", runDir.toString()));
    String max = String.valueOf(Integer.MAX_VALUE);
    String out = tmp.resolve("s.png").toString();

    String batch = refusedQuickly("sample", runDir.toString(), "--n", max, "--batch-size", max, "--out", out);
    assertTrue(batch.contains("model.input") && batch.contains("for sampling batches of " + max + " (--batch-size)"), batch);

    String sweep = assertOneLineError(run("sample", runDir.toString(), "--n", "600", "--temperatures", "0.5,1", "--out", out), Cli.USAGE);
    assertTrue(sweep.contains("at most 1024 images, found 2 temperatures × 600"), sweep);

    String folder = refusedQuickly("sample", runDir.toString(), "--out", config.resolve("x.png").toString());
    assertTrue(folder.contains("cannot write " + config.resolve("x.png") + ": " + config + " is not a folder"), folder);
  }

  @Test
  void overflowingIdxHeadersNameTheFileTheOffsetAndTheProblem() throws IOException {
    record Header(String name, int count, int rows, int columns, String expected) {}
    List<Header> headers = List.of(
        new Header("count.idx", 0xFFFFFFFF, 8, 8, "byte offset 4: expected the image count to be at most 2147483647, found 4294967295"),
        new Header("size.idx", 1, 65536, 65536, "byte offset 8: the image size 65536×65536 (rows × columns)"),
        new Header("claim.idx", 32767, 256, 256, "truncated: the data ends at byte offset 16; expected 2147418112 bytes of pixels"));
    for (Header h : headers) {
      Path file = tmp.resolve(h.name());
      Files.write(file, ByteBuffer.allocate(16).putInt(0x803).putInt(h.count()).putInt(h.rows()).putInt(h.columns()).array());
      Path config = tmp.resolve(h.name() + ".conf");
      Files.writeString(config, tiny + "data.dataset.train = " + Harness.quote(file) + "\ndata.dataset.test = " + Harness.quote(file) + "\n");
      String m = refusedQuickly("train", "-c", config.toString(), "--out", tmp.resolve("run-" + h.name()).toString());
      assertTrue(m.contains(file + ": " + h.expected()), m);
    }
  }

  /** The tiny configuration with the mutation's line appended, in a file of its own. */
  private Path mutant(ConfigMutations.Mutation m) throws IOException {
    Path file = tmp.resolve("mutant.conf");
    Files.writeString(file, tiny + m.line() + "\n");
    return file;
  }

  /** Adds to {@code failures} unless {@code r} succeeded or is one clean line naming the mutated key and its file. */
  private static void judge(ConfigMutations.Mutation m, Path file, Harness.Result r, List<String> failures) {
    if (r.status() == 0) {
      return;
    }
    try {
      String line = assertOneLineError(r, Cli.FAILED);
      assertTrue(line.contains(file.getFileName() + ":") && line.contains(m.key()), "the key or file is not named");
    } catch (AssertionError e) {
      failures.add("[" + m.line() + "] " + e.getMessage().lines().findFirst().orElse("") + " | " + r.err().strip());
    }
  }

  /** Runs a request that must fail with one line within {@link #REFUSAL_MILLIS}; returns the line. */
  private static String refusedQuickly(String... args) {
    long start = System.nanoTime();
    String line = assertOneLineError(run(args), Cli.FAILED);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < REFUSAL_MILLIS, () -> "refused only after " + millis + " ms: " + line);
    return line;
  }
}
