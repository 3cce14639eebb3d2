package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train.fid end to end with the TorchScript fixture network: the score of each scored evaluation
 * in metrics.csv's fd column and in the output, the same value attnflow fid gives for that state.
 */
class TrainFidTest {
  private static final Path POOL = Harness.repo("flow-cli", "src", "test", "resources", "fid", "pool-features.pt");

  @Test
  void aTinyRunWithTrainFidWritesTheScoreAtItsEvaluationSteps(@TempDir Path tmp) throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path run = tmp.resolve("run");
    Harness.Result r = assertOk(run("train", "-c", Harness.writeTinyConfig(tmp, data).toString(), "--out", run.toString(),
        "--set", "train.fid { every = 3, features = " + Harness.quote(POOL) + ", n = 48, batch-size = 16 }"));

    List<String> scored = new ArrayList<>();
    Matcher printed = Pattern.compile("step (\\d+): FD_fixture-pool = (\\S+)\\n").matcher(r.out());
    while (printed.find()) {
      scored.add(printed.group(1));
    }
    assertEquals(List.of("0", "3", "6"), scored, r::toString);
    List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
    assertTrue(rows.get(0).endsWith(",elapsed_s,fd"), rows.get(0));
    List<String> fdSteps = new ArrayList<>();
    String last = null;
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",", -1);
      if (!f[8].isEmpty()) {
        assertEquals("test", f[1], row);
        assertTrue(Double.parseDouble(f[8]) > 0, row);
        fdSteps.add(f[0]);
        last = f[8];
      }
    }
    assertEquals(List.of("0", "3", "6"), fdSteps);
    assertTrue(Files.isRegularFile(run.resolve("training-curve.png")));

    // the same state, samples and reference through attnflow fid: the same score (train.seed 0 = --seed 0)
    String fid = assertOk(run("fid", run.toString(), "--features", POOL.toString(), "--n", "48", "--batch-size", "16",
        "--checkpoint", "latest")).out();
    assertTrue(fid.startsWith("FD_fixture-pool = "), fid);
    assertEquals(Double.parseDouble(last), Double.parseDouble(fid.substring("FD_fixture-pool = ".length(), fid.indexOf(' ', 18))),
        1e-5 * Double.parseDouble(last));
  }
}
