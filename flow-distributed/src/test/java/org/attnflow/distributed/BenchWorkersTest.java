package org.attnflow.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --workers 2}: rank 0 prints the figures of the global batch, and every worker its all-reduce time. */
class BenchWorkersTest {
  private static final Pattern ALL_REDUCE = Pattern.compile("worker (\\d) of 2: 63 steps averaged, ([0-9.]+) ms per step in the all-reduce");

  @Test
  void twoWorkersBenchmarkOneRunAndReportTheirAllReduce(@TempDir Path tmp) throws IOException {
    Path config = tmp.resolve("tiny.conf");
    Files.writeString(config, TinyRuns.config(63));
    TinyRuns.Result r = TinyRuns.command("bench", config.toString(), "--steps", "63", "--workers", "2");
    assertEquals(0, r.status(), r::toString);
    assertEquals(1, r.out().lines().filter(l -> l.startsWith("{\"workload\"")).count(), r::toString);
    String json = r.out().lines().filter(l -> l.startsWith("{\"workload\"")).findFirst().orElseThrow();
    assertTrue(json.contains("\"workers\": 2"), json);
    assertTrue(json.matches(".*\"train_images_per_s\": [0-9.]+.*"), json);
    Matcher m = ALL_REDUCE.matcher(r.out());
    int workers = 0;
    while (m.find()) {
      assertTrue(Double.parseDouble(m.group(2)) >= 0, r::toString);
      workers++;
    }
    assertEquals(2, workers, r::toString);
  }
}
