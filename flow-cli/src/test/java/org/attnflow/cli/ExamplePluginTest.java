package org.attnflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third-party plugin of {@code examples/invertible-leaky-relu}, exactly as a user meets it:
 * built by its own Maven project against the installed flow-api, its jar dropped into a folder,
 * listed by {@code attnflow layers --plugins DIR} and trained by its type name from the example's
 * HOCON file, with no change to the framework.
 *
 * <p>Needs {@code flow-api} and {@code flow-testkit} in the local Maven repository (CI runs
 * {@code mvn install}, which installs them before flow-cli's tests). The example's build runs
 * its own tests (the layer contract through the test kit): the example is not a module of the
 * reactor, so nothing else runs them in CI, and they add only about 4 s to the ~10 s build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplePluginTest {
  private static final String EXAMPLE = "examples/invertible-leaky-relu";
  private static final String TYPE = "leaky-relu";

  /** Holds plugins/ (the folder given to --plugins) and the run directories. */
  @TempDir static Path tmp;
  private Path plugins;
  private Path runs;
  private Path example;

  /** Builds (and tests) the example's jar once and drops it into the plugin folder. */
  @BeforeAll
  void buildThePluginJar() throws IOException, InterruptedException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    runs = Files.createDirectories(tmp.resolve("runs"));
    example = Harness.repo(EXAMPLE);
    Path pom = example.resolve("pom.xml");
    assertTrue(Files.isRegularFile(pom), "missing " + pom);
    Path target = example.resolve("target");
    // Never pick up the jar of an earlier build.
    for (Path old : jarsIn(target)) {
      Files.delete(old);
    }
    List<String> command = new ArrayList<>(List.of(maven(), "-q", "-B"));
    if (offlineIsPossible()) {
      command.add("-o");
    }
    String localRepo = System.getProperty("maven.repo.local");
    if (localRepo != null) {
      command.add("-Dmaven.repo.local=" + localRepo);
    }
    command.addAll(List.of("-f", pom.toString(), "package"));
    Path log = Files.createTempFile(runs, "mvn", ".log");
    Process mvn = new ProcessBuilder(command).directory(example.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!mvn.waitFor(5, TimeUnit.MINUTES)) {
      mvn.destroyForcibly();
      fail(String.join(" ", command) + " took more than 5 minutes:\n" + read(log));
    }
    assertEquals(0, mvn.exitValue(), () -> String.join(" ", command) + " failed (flow-api and flow-testkit must be"
        + " installed in the local repository: `mvn install -DskipTests` at the project root):\n" + read(log));
    List<Path> jars = jarsIn(target);
    assertEquals(1, jars.size(), () -> "expected one plugin jar in " + target + ", found " + jars);
    Files.copy(jars.get(0), plugins.resolve(jars.get(0).getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void layersListsThePluginWithItsDocumentedKeys() {
    Harness.Result r = Harness.run("layers", "--plugins", plugins.toString());
    assertEquals(0, r.status(), r::toString);
    List<String> lines = r.out().lines().collect(Collectors.toList());
    int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("  " + TYPE + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("layers does not list " + TYPE + ":\n" + r)));
    assertTrue(lines.indexOf("layers:") < at && at < lines.indexOf("masks:"), () -> TYPE + " is not under layers:\n" + r);
    // its keys follow it, with their defaults and the comments of the provider's defaults HOCON
    assertTrue(lines.get(at + 1).matches("\\s+max-log-slope\\s+= 3\\s+# .+"), lines.get(at + 1));
    assertTrue(lines.get(at + 2).matches("\\s+slope\\s+= 0\\.5\\s+# .+"), lines.get(at + 2));
  }

  @Test
  void trainsTheExampleConfigurationWithThePlugin() throws IOException {
    Path run = runs.resolve("run");
    Harness.Result r = Harness.run("train", "-c", example.resolve("example.conf").toString(), "--plugins", plugins.toString(),
        "--steps", "3", "--out", run.toString(),
        // tiny and fast: one step per level, few images, a small evaluation
        "--set", "device = cpu",
        "--set", "model.steps = 1",
        "--set", "data.train-limit = 64",
        "--set", "train.batch-size = 8",
        "--set", "train.log-every = 1",
        "--set", "train.eval-limit = 32",
        "--set", "train.eval-batch-size = 32",
        "--set", "train.samples = 4");
    assertEquals(0, r.status(), r::toString);
    assertTrue(r.out().contains("step 3/3  train "), r::toString);
    assertTrue(r.out().matches("(?s).*final test \\d+\\.\\d+ ± \\d+\\.\\d+ bits/dim.*"), r::toString);
    assertTrue(Files.isRegularFile(run.resolve("checkpoint-latest.ckpt")) && Files.size(run.resolve("checkpoint-latest.ckpt")) > 0,
        () -> "no checkpoint in " + run + ":\n" + r);
    assertTrue(Files.readString(run.resolve("config.conf")).contains(TYPE), "the saved configuration should use " + TYPE);
  }

  @Test
  void withoutThePluginTheTypeIsUnknown() {
    Harness.Result r = Harness.run("train", "-c", example.resolve("example.conf").toString(), "--steps", "1",
        "--out", runs.resolve("no-plugin").toString());
    assertEquals(Cli.FAILED, r.status(), r::toString);
    assertTrue(r.err().contains("example.conf:") && r.err().contains("model.step[2].type: unknown layer type \"" + TYPE + "\"")
        && r.err().contains("known layer types:") && r.err().contains("actnorm"), r::toString);
  }

  private static String maven() {
    return System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn";
  }

  /** Offline only when what the example's build needs is already in the local repository. */
  private static boolean offlineIsPossible() {
    String configured = System.getProperty("maven.repo.local");
    Path repo = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    return Stream.of(
            "org/attnflow/flow-api/0.1.0-SNAPSHOT/flow-api-0.1.0-SNAPSHOT.jar",
            "org/attnflow/flow-testkit/0.1.0-SNAPSHOT/flow-testkit-0.1.0-SNAPSHOT.jar",
            "ai/djl/pytorch/pytorch-native-cpu/2.7.1/pytorch-native-cpu-2.7.1-linux-x86_64.jar",
            "org/junit/jupiter/junit-jupiter/5.11.4/junit-jupiter-5.11.4.jar",
            "org/apache/maven/plugins/maven-compiler-plugin/3.13.0/maven-compiler-plugin-3.13.0.jar",
            "org/apache/maven/plugins/maven-jar-plugin/3.4.2/maven-jar-plugin-3.4.2.jar",
            "org/apache/maven/plugins/maven-surefire-plugin/3.5.2/maven-surefire-plugin-3.5.2.jar")
        .allMatch(p -> Files.isRegularFile(repo.resolve(p)));
  }

  private static List<Path> jarsIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("attnflow-leaky-relu-.*\\.jar")).sorted().collect(Collectors.toList());
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
