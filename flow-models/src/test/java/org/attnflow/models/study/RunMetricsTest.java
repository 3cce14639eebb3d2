package org.attnflow.models.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.attnflow.models.run.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a run's metrics.csv for a study. */
class RunMetricsTest {
  @TempDir Path dir;

  @Test
  void readsTheTestRowsAndTheMedianTrainingThroughput() throws IOException {
    Path csv = dir.resolve("metrics.csv");
    Files.write(csv, List.of(MetricsLog.HEADER,
        "0,test,5.100000,0.010000,,,,1.0",
        "1,train,5.0,,0.001,3.0,100.00,1.5",
        "2,train,4.9,,0.001,3.0,300.00,2.0",
        "3,train,4.8,,0.001,3.0,200.00,2.5",
        "3,test,4.700000,0.020000,,,,3.0",
        "4,train,4.7,,0.001,3.0,50"));
    RunMetrics m = RunMetrics.read(csv);
    assertEquals(List.of(0L, 3L), List.copyOf(m.tests().keySet()));
    assertEquals(new RunMetrics.TestRow(4.7, 0.02), m.tests().get(3L));
    assertEquals(200.0, m.medianTrainImagesPerSecond(), "median of 100, 300, 200; the torn row is ignored");
  }

  @Test
  void aMissingFileHasNoRows() {
    RunMetrics m = RunMetrics.read(dir.resolve("none.csv"));
    assertTrue(m.tests().isEmpty());
    assertTrue(Double.isNaN(m.medianTrainImagesPerSecond()));
  }
}
