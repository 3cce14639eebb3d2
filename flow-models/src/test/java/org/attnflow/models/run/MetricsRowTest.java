package org.attnflow.models.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading metrics.csv while it is written: whole rows only. */
class MetricsRowTest {
  @TempDir Path dir;

  @Test
  void readsWholeRowsAndLeavesOutTornAndUnfinishedOnes() throws IOException {
    Path csv = dir.resolve("metrics.csv");
    Files.writeString(csv, MetricsLog.HEADER + "\n"
        + "0,test,5.100000,0.010000,,,,1.0,\n"
        + "10,train,5.0,,0.001,3.0,100.00,1.5,\n"
        + "20,train,4.9,,0.001\n"
        + "20,test,4.800000,0.020000,,,,3.0,412.5\n"
        + "30,train,4.8,,0.001,2.5,90.00,4.0,");
    List<MetricsRow> rows = MetricsRow.read(csv);
    assertEquals(List.of(0L, 10L, 20L), rows.stream().map(MetricsRow::step).toList(),
        "the torn step-20 training row and the unended last line are left out");
    assertEquals(new MetricsRow(10, false, 5.0, Double.NaN, 0.001, 3.0, 100.0, 1.5, Double.NaN), rows.get(1));
    assertEquals(412.5, rows.get(2).fd());
    assertTrue(rows.get(2).test());
  }

  @Test
  void aRowWrittenBeforeTheFdColumnCountsAndAMissingFileHasNoRows() throws IOException {
    Path csv = dir.resolve("old.csv");
    Files.writeString(csv, "step,phase,bpd,bpd_ci95,learning_rate,grad_norm,images_per_s,elapsed_s\n0,test,5.1,0.01,,,,1.0\n");
    assertEquals(1, MetricsRow.read(csv).size());
    assertTrue(Double.isNaN(MetricsRow.read(csv).get(0).fd()));
    assertEquals(List.of(), MetricsRow.read(dir.resolve("none.csv")));
  }
}
