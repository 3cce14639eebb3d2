package org.attnflow.models.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.attnflow.api.FlowException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a study file: paths relative to it, defaults, and one-line errors with file and line. */
class StudyFileTest {
  @TempDir Path dir;

  @BeforeEach
  void configurations() throws IOException {
    Files.createDirectories(dir.resolve("configs"));
    for (String name : List.of("glow", "imap")) {
      Files.writeString(dir.resolve("configs").resolve(name + ".conf"), "train.steps = 10\n");
    }
    Files.writeString(dir.resolve("net.pt"), "not really a network");
  }

  private Path study(String text) throws IOException {
    Path file = dir.resolve("studies").resolve("s.conf");
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  @Test
  void readsTheStudyWithPathsRelativeToItsFile() throws IOException {
    StudyFile s = StudyFile.load(study("""
        configs = ["../configs/glow.conf", "../configs/imap.conf"]
        seeds = [3, 1]
        baseline = glow
        set = ["train.steps = 5", "train.eval-every = 5"]
        fid { features = ../net.pt, temperatures = [0.7, 1.0], reference = test }
        """));
    assertEquals(List.of("glow", "imap"), List.copyOf(s.configs().keySet()));
    assertEquals(dir.resolve("configs/imap.conf").toAbsolutePath(), s.configs().get("imap"));
    assertEquals(List.of(3L, 1L), s.seeds());
    assertEquals("glow", s.baseline());
    assertEquals("s", s.name());
    assertEquals(List.of("train.steps = 5", "train.eval-every = 5", "model.seed = 3", "train.seed = 3"), s.overrides(3));
    FidSettings fid = s.fid().orElseThrow();
    assertEquals(dir.resolve("net.pt").toAbsolutePath(), fid.features());
    assertEquals(10000, fid.n(), "the documented default");
    assertEquals(List.of(0.7, 1.0), fid.temperatures());
    assertEquals("test", fid.reference());
    assertFalse(fid.denoise(), "the documented default");
    assertEquals(List.of(new FidPoint(0.7, false), new FidPoint(1.0, false)), fid.points());
    assertEquals(Path.of("out", "imap", "seed-3"), StudyFile.runDirectory(Path.of("out"), "imap", 3));
  }

  @Test
  void denoisingAddsADenoisedScorePerTemperature() throws IOException {
    StudyFile s = StudyFile.load(study("configs = [\"../configs/glow.conf\"]\nbaseline = glow\n"
        + "fid { features = ../net.pt, temperatures = [0.7, 1.0], denoise = true }\n"));
    assertEquals(List.of(new FidPoint(0.7, false), new FidPoint(0.7, true), new FidPoint(1.0, false), new FidPoint(1.0, true)),
        s.fid().orElseThrow().points());
    assertEquals("fid-t1.0-denoised.json", new FidPoint(1.0, true).fileName());
    assertEquals("fid-t0.7.json", new FidPoint(0.7, false).fileName());
  }

  @Test
  void seedsAndOverridesHaveDefaultsAndFidIsOptional() throws IOException {
    StudyFile s = StudyFile.load(study("configs = [\"../configs/glow.conf\"]\nbaseline = glow\n"));
    assertEquals(List.of(0L, 1L, 2L), s.seeds());
    assertEquals(List.of(), s.overrides());
    assertTrue(s.fid().isEmpty());
  }

  @Test
  void mistakesAreOneLineErrorsNamingFileLineAndKey() throws IOException {
    String ok = "configs = [\"../configs/glow.conf\", \"../configs/imap.conf\"]\nbaseline = glow\n";
    assertError(ok + "seedz = [1]\n", "s.conf:3: seedz: unknown key for a study file; known keys: baseline, configs, fid, seeds, set");
    assertError("configs = [\"../configs/glow.conf\"]\nbaseline = imap\n", "s.conf:2: baseline: expected one of glow, found \"imap\"");
    assertError("configs = [\"../configs/glow.conf\",\n \"../configs/nope.conf\"]\nbaseline = glow\n",
        "s.conf:2: configs[1]: no configuration file " + dir.resolve("configs/nope.conf").toAbsolutePath());
    assertError("configs = [\"../configs/glow.conf\", \"../configs/../configs/glow.conf\"]\nbaseline = glow\n",
        "s.conf:1: configs[1]: a second configuration named glow");
    assertError(ok + "seeds = [1, 1]\n", "s.conf:3: seeds: seed 1 is listed twice");
    assertError(ok + "set = [\"model.seed = 4\"]\n", "s.conf:3: set[0]: model.seed comes from the study's seeds and cannot be set");
    assertError(ok + "set = [\"train.steps\"]\n", "s.conf:3: set[0]: expected \"key = value\" in HOCON syntax");
    assertError(ok + "fid { features = ../net.pt, size = 3 }\n", "s.conf:3: fid.size: unknown key for the fid block of a study");
    assertError(ok + "fid { n = 5 }\n", "s.conf:3: fid.features: missing required key");
    assertError(ok + "fid { features = ../net.pt, temperatures = [] }\n", "s.conf:3: fid.temperatures: expected a non-empty list");
    assertError("baseline = glow\n", "s.conf:1: configs: missing required key");
    FlowException missing = assertThrows(FlowException.class, () -> StudyFile.load(dir.resolve("none.conf")));
    assertEquals("study file " + dir.resolve("none.conf") + " does not exist", missing.getMessage());
  }

  private void assertError(String text, String expected) throws IOException {
    Path file = study(text);
    FlowException e = assertThrows(FlowException.class, () -> StudyFile.load(file), text);
    String start = file.getParent().resolve(expected).toString();
    assertTrue(e.getMessage().startsWith(start), () -> "expected " + start + "…, found " + e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }
}
