package org.attnflow.models.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The statistics of a study against values computed by hand and published t quantiles. */
class SeedStatisticsTest {

  @Test
  void studentsTQuantilesMatchTheTables() {
    assertEquals(12.706204736174698, SeedStatistics.tQuantile(0.975, 1), 1e-9);
    assertEquals(4.302652729911275, SeedStatistics.tQuantile(0.975, 2), 1e-9);
    assertEquals(3.182446305284263, SeedStatistics.tQuantile(0.975, 3), 1e-9);
    assertEquals(2.228138851986273, SeedStatistics.tQuantile(0.975, 10), 1e-9);
    assertEquals(-2.228138851986273, SeedStatistics.tQuantile(0.025, 10), 1e-9, "the distribution is symmetric");
    assertEquals(1.959963984540054, SeedStatistics.tQuantile(0.975, 1_000_000), 1e-5, "→ the normal quantile");
  }

  @Test
  void meanAndSampleStandardDeviation() {
    // mean 5, squared deviations 9 + 1 + 1 + 9 = 20, divided by n − 1 = 3
    SeedStatistics s = SeedStatistics.of(List.of(2.0, 4.0, 6.0, 8.0));
    assertEquals(4, s.n());
    assertEquals(5.0, s.mean(), 1e-12);
    assertEquals(Math.sqrt(20.0 / 3), s.standardDeviation(), 1e-12);
  }

  @Test
  void pairedDifferencesUseOnlySeedsPresentInBoth() {
    // seeds 0–2 in both: differences −0.05, +0.02, −0.10; seed 7 has no baseline and seed 9 no configuration
    Map<Long, Double> config = Map.of(0L, 3.10, 1L, 3.20, 2L, 3.30, 7L, 9.0);
    Map<Long, Double> baseline = Map.of(0L, 3.15, 1L, 3.18, 2L, 3.40, 9L, 1.0);
    SeedStatistics d = SeedStatistics.paired(config, baseline);
    assertEquals(3, d.n());
    assertEquals(-0.13 / 3, d.mean(), 1e-12);
    // squared deviations from −0.04333…: 0.0000444…, 0.0040111…, 0.0032111…; sum 0.0072667 / 2 → sd 0.0602771
    assertEquals(0.060277137733417085, d.standardDeviation(), 1e-12);
    double half = 4.302652729911275 * 0.060277137733417085 / Math.sqrt(3);
    assertEquals(0.1497367, half, 1e-6);
    assertEquals(half, d.halfWidth95(), 1e-9);
    assertEquals(-0.13 / 3 - half, d.low95(), 1e-9);
    assertEquals(-0.13 / 3 + half, d.high95(), 1e-9);
  }

  @Test
  void oneValueHasNoSpreadAndNoInterval() {
    SeedStatistics s = SeedStatistics.of(List.of(3.5));
    assertEquals(3.5, s.mean());
    assertTrue(Double.isNaN(s.standardDeviation()));
    assertTrue(Double.isNaN(s.low95()) && Double.isNaN(s.high95()));
    assertEquals(0, SeedStatistics.of(List.of()).n());
    assertTrue(Double.isNaN(SeedStatistics.of(List.of()).mean()));
  }
}
