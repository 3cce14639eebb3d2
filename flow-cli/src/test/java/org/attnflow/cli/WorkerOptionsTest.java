package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-parallel options of {@code train} without the optional module flow-distributed (not on
 * this module's class path): --workers says the module is missing; the worker options must come
 * together and make sense. flow-distributed's own tests run the workers.
 */
class WorkerOptionsTest {
  @TempDir static Path tmp;
  private static String config;

  @BeforeAll
  static void tinyConfig() throws IOException {
    config = Harness.writeTinyConfig(tmp, Harness.tinyData(tmp.resolve("data"))).toString();
  }

  @Test
  void severalWorkersNeedTheDistributedModule() {
    String line = assertOneLineError(run("train", "-c", config, "--workers", "2", "--out", tmp.resolve("w").toString()), Cli.FAILED);
    assertTrue(line.contains("need the optional module flow-distributed"), line);
  }

  @Test
  void aWorkerOfAJobNeedsRankWorldAndTracker() {
    String line = assertOneLineError(run("train", "-c", config, "--rank", "0", "--out", tmp.resolve("r").toString()), Cli.USAGE);
    assertTrue(line.contains("needs all of --rank R, --world N and --tracker HOST:PORT"), line);
  }

  @Test
  void theRankIsBelowTheWorld() {
    String line = assertOneLineError(run("train", "-c", config, "--rank", "2", "--world", "2", "--tracker", "h:1"), Cli.USAGE);
    assertTrue(line.contains("--rank must be below --world 2, found 2"), line);
  }

  @Test
  void theTrackerHasAPort() {
    String line = assertOneLineError(run("train", "-c", config, "--rank", "0", "--world", "2", "--tracker", "host"), Cli.USAGE);
    assertTrue(line.contains("--tracker must be HOST:PORT"), line);
  }

  @Test
  void workersAreNotCombinedWithAJobAcrossMachines() {
    String line = assertOneLineError(run("train", "-c", config, "--workers", "2", "--rank", "0"), Cli.USAGE);
    assertTrue(line.contains("--workers starts the workers of this machine"), line);
  }
}
