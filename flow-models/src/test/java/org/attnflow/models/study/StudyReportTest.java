package org.attnflow.models.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tables of a study on the hand-computed example of {@link SeedStatisticsTest}. */
class StudyReportTest {
  @TempDir Path dir;

  private static StudyFile study(Optional<FidSettings> fid) {
    Map<String, Path> configs = new LinkedHashMap<>();
    configs.put("glow", Path.of("glow.conf"));
    configs.put("imap", Path.of("imap.conf"));
    return new StudyFile(Path.of("studies/s.conf"), configs, List.of(0L, 1L, 2L), "glow", List.of("train.steps = 9"), fid);
  }

  private static RunResult run(String config, long seed, double bpd, Map<FidPoint, Double> fd) {
    return new RunResult(config, seed, true, 9, bpd, 0.01, 100 + seed, 50, 1234, fd, "");
  }

  @Test
  void pairedDifferencesWithTheirIntervalAndN() {
    List<RunResult> runs = List.of(
        run("glow", 0, 3.15, Map.of()), run("glow", 1, 3.18, Map.of()), run("glow", 2, 3.40, Map.of()),
        run("imap", 0, 3.10, Map.of()), run("imap", 1, 3.20, Map.of()), run("imap", 2, 3.30, Map.of()));
    String md = new StudyReport(study(Optional.empty()), runs, null, "measured somehow.").markdown();
    // differences −0.05, +0.02, −0.10: mean −0.04333, half-width 4.3027 · 0.060277 / √3 = 0.14974
    assertTrue(md.contains("| imap | 3 | 4.303 | -0.04333 [-0.1931, +0.1064] |"), md);
    assertTrue(md.contains("| glow | 3 of 3 | 3.2433 ± 0.1365 | 101.0 ± 1.0 | 50.0 ± 0.0 | 1,234 |"), md);
    assertTrue(md.contains("Every run: `train.steps = 9`."), md);
    assertTrue(md.contains("Student's t with n − 1 degrees of freedom"), md);
  }

  @Test
  void failedRunsAreListedAndLeftOutOfTheStatistics() throws IOException {
    FidSettings fid = new FidSettings(Path.of("net.pt"), 100, List.of(0.7), "test", false);
    List<RunResult> runs = List.of(
        run("glow", 0, 3.15, fd(20.0)), run("glow", 1, 3.18, fd(22.0)), run("glow", 2, 3.40, fd(21.0)),
        run("imap", 0, 3.10, fd(18.0)), RunResult.failed("imap", 1, 9, "attnflow train: error: diverged, badly"),
        run("imap", 2, 3.30, fd(19.5)));
    StudyReport report = new StudyReport(study(Optional.of(fid)), runs, "FD_net", "measured somehow.");
    report.write(dir);
    String csv = Files.readString(dir.resolve("study.csv"));
    assertEquals("config,seed,state,steps,test_bpd,test_bpd_ci95,train_images_per_s,sample_images_per_s,parameters,FD_net_t0.7,note",
        csv.lines().findFirst().orElseThrow());
    assertTrue(csv.contains("\nimap,1,failed,9,,,,,,,\"attnflow train: error: diverged, badly\"\n"), csv);
    assertTrue(csv.contains("\nglow,0,finished,9,3.150000,0.010000,100.00,50.00,1234,20.0000,\n"), csv);
    String md = Files.readString(dir.resolve("study.md"));
    assertTrue(md.contains("| imap | 2 of 3 | 3.2000 ± 0.1414 | 18.75 ± 1.061 |"), md);
    // seeds 0 and 2: bits/dim differences −0.05 and −0.10, FD differences −2 and −1.5; t(0.975, 1) = 12.706
    assertTrue(md.contains("| imap | 2 | 12.706 | -0.07500 [-0.3927, +0.2427] | -1.750 [-4.927, +1.427] |"), md);
    assertTrue(md.contains("- imap seed 1 failed: attnflow train: error: diverged, badly"), md);
  }

  @Test
  void denoisedScoresGetColumnsOfTheirOwn() throws IOException {
    FidSettings fid = new FidSettings(Path.of("net.pt"), 100, List.of(1.0), "test", true);
    FidPoint plain = new FidPoint(1.0, false);
    FidPoint denoised = new FidPoint(1.0, true);
    List<RunResult> runs = List.of(
        run("glow", 0, 3.15, Map.of(plain, 20.0, denoised, 15.0)), run("glow", 1, 3.18, Map.of(plain, 22.0, denoised, 16.0)),
        run("imap", 0, 3.10, Map.of(plain, 18.0, denoised, 14.0)), run("imap", 1, 3.20, Map.of(plain, 19.0, denoised, 13.0)));
    StudyReport report = new StudyReport(study(Optional.of(fid)), runs, "FD_net", "measured somehow.");
    report.write(dir);
    String csv = Files.readString(dir.resolve("study.csv"));
    assertTrue(csv.startsWith("config,seed,state,steps,test_bpd,test_bpd_ci95,train_images_per_s,sample_images_per_s,parameters,"
        + "FD_net_t1.0,FD_net_t1.0_denoised,note\n"), csv);
    assertTrue(csv.contains("\nglow,1,finished,9,3.180000,0.010000,101.00,50.00,1234,22.0000,16.0000,\n"), csv);
    String md = Files.readString(dir.resolve("study.md"));
    assertTrue(md.contains("| FD_net T = 1.0 | FD_net T = 1.0, denoised |"), md);
    assertTrue(md.contains("| glow | 2 of 3 | 3.1650 ± 0.0212 | 21.00 ± 1.414 | 15.50 ± 0.7071 |"), md);
  }

  private static Map<FidPoint, Double> fd(double atSevenTenths) {
    return Map.of(new FidPoint(0.7, false), atSevenTenths);
  }
}
