package org.attnflow.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.ModelsTestSupport;
import org.attnflow.models.SyntheticData;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train.fid: scores go to metrics.csv's fd column at the scored evaluations only, a failed
 * scoring is a warning that costs no training, and a metrics.csv written before the fd column
 * keeps its rows on resume.
 */
class TrainerScoringTest {
  private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);
  @TempDir Path tmp;

  private ResolvedRun scored(String every) throws IOException {
    Path network = Files.writeString(tmp.resolve("net.pt"), "the scorer of these tests reads no file");
    return ModelsTestSupport.run("train.fid { every = " + every + ", features = \"" + network + "\" }");
  }

  /** The fd cells of the metrics rows, "step phase fd" each. */
  private static List<String> fdCells(RunDirectory dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String row : Files.readAllLines(dir.metrics()).subList(1, Files.readAllLines(dir.metrics()).size())) {
      String[] f = row.split(",", -1);
      assertEquals(9, f.length, row);
      if (f[1].equals("test") || !f[8].isEmpty()) {
        out.add(f[0] + " " + f[1] + " " + f[8]);
      }
    }
    return out;
  }

  @Test
  void scoresGoToTheFdColumnOfTheScoredEvaluations() throws IOException {
    List<Long> scoredSteps = new ArrayList<>();
    SampleScorer scorer = (model, manager) -> new SampleScorer.Score("FD_fake", 10 + scoredSteps.size(), List.of());
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));
    new Trainer(factory, new SyntheticData(SHAPE, 32), scorer).train(scored("6"), dir, false, new TrainingListener() {
      @Override
      public void scored(long step, SampleScorer.Score score) {
        scoredSteps.add(step);
      }
    });

    assertEquals(List.of(0L, 6L), scoredSteps, "every = 6 scores steps 0 and 6, not the evaluation at 3");
    assertEquals(List.of("0 test 10.0000", "3 test ", "6 test 11.0000"), fdCells(dir));
  }

  @Test
  void aFailedScoringIsAWarningAndTheRunGoesOn() throws IOException {
    List<String> warnings = new ArrayList<>();
    SampleScorer failing = (model, manager) -> {
      throw new FlowException("net.pt: the network returned shape (4, 1, 8, 8) for 4 images");
    };
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));
    new Trainer(factory, new SyntheticData(SHAPE, 32), failing).train(scored("3"), dir, false, new TrainingListener() {
      @Override
      public void warned(String message) {
        warnings.add(message);
      }
    });

    assertEquals(6, Checkpoint.readHeader(dir.latest()).step());
    assertEquals(List.of("0 test ", "3 test ", "6 test "), fdCells(dir));
    assertEquals("step 3: scoring the samples (train.fid) failed, the run goes on: net.pt: the network returned shape"
        + " (4, 1, 8, 8) for 4 images", warnings.get(1));
  }

  @Test
  void resumingARunWhoseMetricsPredateTheFdColumnKeepsItsRows() throws IOException {
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    trainer.train(ModelsTestSupport.run("train.steps = 3"), dir, false, new TrainingListener() {});
    List<String> rows = Files.readAllLines(dir.metrics());
    List<String> old = new ArrayList<>();
    for (String row : rows) {
      old.add(row.substring(0, row.lastIndexOf(',')));
    }
    Files.write(dir.metrics(), old);

    trainer.train(ModelsTestSupport.run(""), dir, true, new TrainingListener() {});

    List<String> resumed = Files.readAllLines(dir.metrics());
    assertEquals(rows, resumed.subList(0, rows.size()), "the old rows are kept, with an empty fd");
    assertEquals(rows.size() + 3 + 1, resumed.size(), "then steps 4 to 6 and the evaluation at 6");
  }

  @Test
  void everyMustBeAMultipleOfEvalEveryAndTheNetworkMustExist() throws IOException {
    String notMultiple = assertThrows(ConfigError.class, () -> scored("4")).getMessage();
    assertTrue(notMultiple.contains("train.fid.every: expected a multiple of train.eval-every = 3 (scores are taken at"
        + " evaluations), found 4"), notMultiple);
    String missing = assertThrows(ConfigError.class,
        () -> ModelsTestSupport.run("train.fid { every = 3, features = \"" + tmp.resolve("none.pt") + "\" }")).getMessage();
    assertTrue(missing.contains("train.fid.features: expected the feature network file"), missing);
    String unknown = assertThrows(ConfigError.class, () -> ModelsTestSupport.run("train.fid { evry = 3 }")).getMessage();
    assertTrue(unknown.contains("train.fid.evry: unknown key for the train.fid block"), unknown);
  }
}
