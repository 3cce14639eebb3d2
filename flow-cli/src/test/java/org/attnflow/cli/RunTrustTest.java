package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.attnflow.api.registry.Registry;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.config.OptimizerRule;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.training.Optimizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is opened from its own configuration, never from what a checkpoint says: a checkpoint
 * cannot name plugins or data to open, and one of another model is refused by every command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunTrustTest {
  @TempDir static Path tmp;
  private Harness.TinyData data;
  private Path run;
  private Path wide;

  @BeforeAll
  void trainTwoRuns() throws IOException {
    data = Harness.tinyData(tmp.resolve("data"));
    Path config = Harness.writeTinyConfig(tmp, data);
    run = tmp.resolve("run");
    assertOk(run("train", "-c", config.toString(), "--steps", "6", "--out", run.toString()));
    Path wideConfig = tmp.resolve("wide.conf");
    Files.writeString(wideConfig, Harness.tinyConfig(data, Harness.GLOW_STEP.replace("hidden = 8", "hidden = 16")));
    wide = tmp.resolve("wide");
    assertOk(run("train", "-c", wideConfig.toString(), "--steps", "9", "--out", wide.toString()));
  }

  @Test
  void aCheckpointOfAnotherModelIsRefusedByEveryCommandAndChangesNothing() throws IOException {
    Path latest = run.resolve("checkpoint-latest.ckpt");
    byte[] own = Files.readAllBytes(latest);
    byte[] metrics = Files.readAllBytes(run.resolve("metrics.csv"));
    Path foreign = wide.resolve("checkpoint-latest.ckpt");
    Files.copy(foreign, latest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try {
      String difference = "model.step[2].hidden is 8 in " + run.resolve("config.conf") + " but 16 in checkpoint " + latest;
      for (List<String> command : List.of(
          List.of("evaluate", run.toString(), "--checkpoint", "latest"),
          List.of("sample", run.toString(), "--checkpoint", "latest", "--n", "2", "--out", tmp.resolve("x.png").toString()),
          List.of("reconstruct", run.toString(), "--checkpoint", "latest"),
          List.of("train", "--resume", run.toString(), "--steps", "12"))) {
        String line = assertOneLineError(run(command.toArray(String[]::new)), Cli.FAILED);
        assertTrue(line.contains("describes a different model than the run's configuration: " + difference), command + ": " + line);
      }
      assertFalse(Files.exists(tmp.resolve("x.png")));
      assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.csv")), "a refused resume rewrote metrics.csv");
      assertArrayEquals(Files.readAllBytes(foreign), Files.readAllBytes(latest));
    } finally {
      Files.write(latest, own);
    }
  }

  @Test
  void aCheckpointCannotNamePluginsOrDataToOpen() throws IOException {
    Path latest = run.resolve("checkpoint-latest.ckpt");
    Path hostile = tmp.resolve("hostile.ckpt");
    rewriteConfig(latest, hostile, "plugins = \"" + tmp.resolve("no-such-plugins") + "\"\n"
        + "data.dataset.test = \"/etc/hostname\"\n");
    String own = assertOk(run("evaluate", run.toString(), "--checkpoint", latest.toString())).out();
    String read = assertOk(run("evaluate", run.toString(), "--checkpoint", hostile.toString())).out();
    assertEquals(own.substring(own.indexOf("test ")), read.substring(read.indexOf("test ")),
        "the hostile checkpoint's parameters are the run's own, evaluated on the run's own data");
  }

  @Test
  void theRunsConfigurationCannotNamePluginsEither() throws IOException {
    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    for (String name : List.of("config.conf", "checkpoint-latest.ckpt")) {
      Files.copy(run.resolve(name), copy.resolve(name));
    }
    Files.writeString(copy.resolve("config.conf"),
        Files.readString(copy.resolve("config.conf")) + "\nplugins = \"" + tmp.resolve("no-such-plugins") + "\"\n");
    assertOk(run("evaluate", copy.toString()));
  }

  /** Writes {@code from}'s checkpoint to {@code to} with {@code change} (HOCON) laid over its saved configuration. */
  private static void rewriteConfig(Path from, Path to, String change) {
    Checkpoint header = Checkpoint.readHeader(from);
    String changed = ConfigFactory.parseString(change).withFallback(ConfigFactory.parseString(header.config()))
        .resolve().root().render(ConfigRenderOptions.concise());
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      RunConfig config = RunConfig.of(ConfigFactory.parseString(header.config()).resolve());
      FlowModel model = new ModelFactory(Registry.builtIn()).create(config.block("model"), manager);
      Checkpoint.read(from).loadInto(model, manager);
      Optimizer optimizer = new Optimizer(OptimizerRule.ADAM, 0.9, 0.999, 1e-8, model.trainableParameters(), manager);
      new Checkpoint(header.step(), header.bestBpd(), changed).write(to, model, optimizer.state());
    }
  }
}
