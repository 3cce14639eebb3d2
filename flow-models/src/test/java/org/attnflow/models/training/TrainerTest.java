package org.attnflow.models.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.NumericalException;
import org.attnflow.models.Evaluation;
import org.attnflow.models.Evaluator;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.ModelsTestSupport;
import org.attnflow.models.SyntheticData;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.MetricsLog;
import org.attnflow.models.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Training: learning, exact resume, checkpoints, and the handling of non-finite values. */
class TrainerTest {
  private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);

  /** The tiny model with Flow++'s coupling network at the given dropout rate. */
  private static String flowPlusPlus(double dropout) {
    return "model.step = [{ type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8,"
        + " network { type = flowpp, blocks = 1, heads = 2, dropout = " + dropout + " } }]\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "flowpp"})
  void trainingTwiceNStepsEqualsTrainingNStoppingAndResumingForN(String network, @TempDir Path tmp) {
    // with flowpp, each step drops activations out with masks of its own
    String model = network.isEmpty() ? "" : flowPlusPlus(0.3);
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    ResolvedRun six = ModelsTestSupport.run(model);
    RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
    trainer.train(six, straight, false, new TrainingListener() {});

    RunDirectory stopped = new RunDirectory(tmp.resolve("stopped"));
    trainer.train(ModelsTestSupport.run(model + "train.steps = 3"), stopped, false, new TrainingListener() {});
    assertEquals(3, Checkpoint.readHeader(stopped.latest()).step());
    trainer.train(six, stopped, true, new TrainingListener() {});

    assertEquals(6, Checkpoint.readHeader(stopped.latest()).step());
    List<float[]> a = parameters(six, straight.latest());
    List<float[]> b = parameters(six, stopped.latest());
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), 0f, "parameter " + i + " differs after resuming");
    }
  }

  @Test
  void theWholeRecipeResumesBitForBitAfterACrash(@TempDir Path tmp) {
    // cosine to train.steps, weight decay, a moving average and two micro-batches with dropout: a run that
    // dies after its step-3 checkpoint and resumes with the same configuration ends where a straight run ends
    ResolvedRun six = ModelsTestSupport.run(flowPlusPlus(0.3)
        + "train { schedule { type = cosine, final = 0.1 }, weight-decay = 0.05, ema-decay = 0.9, accumulate = 2 }");
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
    trainer.train(six, straight, false, new TrainingListener() {});

    RunDirectory crashed = new RunDirectory(tmp.resolve("crashed"));
    IllegalStateException crash = assertThrows(IllegalStateException.class, () -> trainer.train(six, crashed, false, new TrainingListener() {
      @Override
      public void checkpointed(long step, Path file) {
        if (file.equals(crashed.numbered(3))) {
          throw new IllegalStateException("crash after the step-3 checkpoint");
        }
      }
    }));
    assertEquals("crash after the step-3 checkpoint", crash.getMessage());
    trainer.train(six, crashed, true, new TrainingListener() {});

    Checkpoint.Contents a = Checkpoint.read(straight.latest());
    Checkpoint.Contents b = Checkpoint.read(crashed.latest());
    assertEquals(6, b.header().step());
    assertArrayEquals(a.parameters(), b.parameters(), "parameters differ after resuming");
    assertArrayEquals(a.state(), b.state(), "optimiser moments differ after resuming");
    assertEquals("ema 0.9", b.weights());
    assertArrayEquals(a.average(), b.average(), "moving averages differ after resuming");
  }

  @Test
  void aRunWithoutEvaluationsWritesItsLatestCheckpointEverySaveIntervalAndResumesFromItAfterAKill(@TempDir Path tmp) {
    // no evaluation and no numbered checkpoint: only train.save-every keeps the work of a run killed mid-way
    String quiet = "train { eval-every = 0, checkpoint-every = 0, save-every = 1ms }";
    ResolvedRun six = ModelsTestSupport.run(quiet);
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
    List<Long> saves = new ArrayList<>();
    trainer.train(six, straight, false, new TrainingListener() {
      @Override
      public void checkpointed(long step, Path file) {
        saves.add(step);
      }
    });
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), saves, "the latest checkpoint after every step of more than 1 ms");

    RunDirectory killed = new RunDirectory(tmp.resolve("killed"));
    IllegalStateException kill = assertThrows(IllegalStateException.class, () -> trainer.train(six, killed, false, new TrainingListener() {
      @Override
      public void checkpointed(long step, Path file) {
        if (step == 4) {
          throw new IllegalStateException("killed after the step-4 save");
        }
      }
    }));
    assertEquals("killed after the step-4 save", kill.getMessage());
    assertEquals(4, Checkpoint.readHeader(killed.latest()).step());
    trainer.train(six, killed, true, new TrainingListener() {});
    assertArrayEquals(Checkpoint.read(straight.latest()).parameters(), Checkpoint.read(killed.latest()).parameters(),
        "parameters differ after resuming from the timed save");

    List<Long> never = new ArrayList<>();
    trainer.train(ModelsTestSupport.run("train { eval-every = 0, checkpoint-every = 0, save-every = 0 }"),
        new RunDirectory(tmp.resolve("never")), false, new TrainingListener() {
          @Override
          public void checkpointed(long step, Path file) {
            never.add(step);
          }
        });
    assertEquals(List.of(6L), never, "save-every = 0 writes the latest checkpoint only at the end");
  }

  @Test
  void twoMicroBatchesMakeTheStepOfTheWholeBatch(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    // Adam's first step is lr·g/(|g| + ε): with the default ε = 1e-8 it is ±lr for every gradient far above 1e-8 and
    // amplifies float rounding a millionfold for gradients near it, such as ActNorm's right after its initialisation;
    // ε = 1e-3 makes the step proportional to the gradient, so the parameters compare the gradients
    String oneStep = "train { steps = 1, eval-every = 0, epsilon = 1e-3 }\n";
    ResolvedRun whole = ModelsTestSupport.run(oneStep);
    ResolvedRun halves = ModelsTestSupport.run(oneStep + "train.accumulate = 2");
    RunDirectory a = new RunDirectory(tmp.resolve("whole"));
    RunDirectory b = new RunDirectory(tmp.resolve("halves"));
    trainer.train(whole, a, false, new TrainingListener() {});
    trainer.train(halves, b, false, new TrainingListener() {});
    double lr = whole.train().schedule().at(0);
    List<float[]> expected = parameters(whole, a.latest());
    List<float[]> actual = parameters(halves, b.latest());
    RunDirectory none = new RunDirectory(tmp.resolve("initialised"));
    trainer.train(ModelsTestSupport.run("train { steps = 0, eval-every = 0 }"), none, false, new TrainingListener() {});
    List<float[]> initial = parameters(whole, none.latest());
    boolean moved = false;
    for (int i = 0; i < expected.size(); i++) {
      for (int k = 0; k < expected.get(i).length; k++) {
        float e = expected.get(i)[k];
        // relative, with a floor of 1e-5 of the step's size for parameters that a gradient of rounding noise moved off zero
        assertEquals(e, actual.get(i)[k], 1e-5 * (Math.abs(e) + lr), "parameter " + i + " [" + k + "]");
        moved |= e != initial.get(i)[k];
      }
    }
    assertTrue(moved, "the step changed no parameter");
  }

  @Test
  void trainingStepsDropOutAndTheDropoutRateChangesTheTrajectory(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    ResolvedRun dropping = ModelsTestSupport.run(flowPlusPlus(0.3) + "train.steps = 2");
    ResolvedRun keeping = ModelsTestSupport.run(flowPlusPlus(0) + "train.steps = 2");
    RunDirectory a = new RunDirectory(tmp.resolve("dropping"));
    RunDirectory b = new RunDirectory(tmp.resolve("keeping"));
    trainer.train(dropping, a, false, new TrainingListener() {});
    trainer.train(keeping, b, false, new TrainingListener() {});
    List<float[]> withDropout = parameters(dropping, a.latest());
    List<float[]> without = parameters(keeping, b.latest());
    boolean differ = false;
    for (int i = 0; i < withDropout.size(); i++) {
      differ |= !Arrays.equals(withDropout.get(i), without.get(i));
    }
    assertTrue(differ, "two training steps with dropout 0.3 ended where those without dropout did");
  }

  @Test
  void trainingLowersTestBitsPerDimAndWritesTheRunDirectory(@TempDir Path tmp) throws IOException {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));
    List<Double> evaluations = new ArrayList<>();
    trainer.train(ModelsTestSupport.run("train { steps = 40, eval-every = 20, learning-rate = 3e-3 }"), dir, false,
        new TrainingListener() {
          @Override
          public void evaluated(long step, Evaluation evaluation, java.util.Map<Double, Images> samples) {
            evaluations.add(evaluation.bpd());
            assertEquals(4, samples.get(0.7).count());
          }
        });
    assertEquals(3, evaluations.size(), "before training, at step 20 and at step 40");
    assertTrue(evaluations.get(2) < evaluations.get(1) && evaluations.get(1) < evaluations.get(0),
        "test bits/dim did not fall: " + evaluations);
    Config saved = ConfigFactory.parseFile(dir.config().toFile());
    assertTrue(saved.getConfigList("model.step").get(1).getBoolean("lu"), "the saved configuration lacks the invconv's default");
    assertTrue(Files.isRegularFile(dir.best()));
    List<String> rows = Files.readAllLines(dir.metrics());
    assertEquals(MetricsLog.HEADER, rows.get(0));
    assertEquals(1 + 40 + 3, rows.size(), "one row per step and per evaluation");
  }

  @Test
  void poisonedDataStopsTheRunAtItsFirstEvaluationNamingTheLayerAndKeepsNoBadCheckpoint(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32, Float.NaN), ModelsTestSupport.NO_SCORER);
    RunDirectory dir = new RunDirectory(tmp.resolve("nan"));
    NumericalException e = assertThrows(NumericalException.class,
        () -> trainer.train(ModelsTestSupport.run(""), dir, false, new TrainingListener() {}));
    assertTrue(e.getMessage().contains("step 0: training diverged (the test bits/dim is NaN"), e.getMessage());
    assertTrue(e.getMessage().contains("the first layer that went bad is model.levels[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("no checkpoint was written before it"), e.getMessage());
    assertTrue(dir.checkpoints().isEmpty(), "the initialised (poisoned) state must not stay as a checkpoint");
    assertTrue(Files.isRegularFile(dir.root().resolve("checkpoint-latest.ckpt.diverged")));
  }

  @Test
  void aNonFiniteTrainingLossNamesTheStepAndTheLayer(@TempDir Path tmp) throws IOException {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32, Float.NaN), ModelsTestSupport.NO_SCORER);
    RunDirectory dir = new RunDirectory(tmp.resolve("nan"));
    NumericalException e = assertThrows(NumericalException.class,
        () -> trainer.train(ModelsTestSupport.run("train.eval-at-start = false"), dir, false, new TrainingListener() {}));
    assertTrue(e.getMessage().contains("step 1: training diverged (the training batch's bits/dim is NaN"), e.getMessage());
    assertTrue(e.getMessage().contains("the first layer that went bad is model.levels[0]"), e.getMessage());
    assertEquals(e.getMessage() + "\n", Files.readString(dir.failure()), "the run directory says why it failed");
  }

  @Test
  void anExplodingLossStopsTheRunAndEveryKeptCheckpointEvaluatesSane(@TempDir Path tmp) {
    SyntheticData data = new SyntheticData(SHAPE, 32);
    Trainer trainer = new Trainer(factory, data, ModelsTestSupport.NO_SCORER);
    RunDirectory dir = new RunDirectory(tmp.resolve("boom"));
    ResolvedRun config = ModelsTestSupport.run(
        "train { steps = 40, learning-rate = 20, warmup-steps = 0, clip-grad-norm = 0, checkpoint-every = 1, eval-every = 4 }");
    NumericalException e = assertThrows(NumericalException.class,
        () -> trainer.train(config, dir, false, new TrainingListener() {}));
    assertTrue(e.getMessage().matches("step \\d+: training diverged \\(the training batch's bits/dim is .*"), e.getMessage());
    assertTrue(e.getMessage().contains("above train.divergence-bpd = 64"), e.getMessage());
    assertTrue(e.getMessage().contains("the first layer that went bad is model."), e.getMessage());
    assertTrue(e.getMessage().contains("the newest good checkpoint"), e.getMessage());
    assertTrue(Files.exists(dir.root().resolve(String.format("checkpoint-%07d.ckpt.diverged", stepOf(e) - 1))),
        "the checkpoint of the state that went bad is set aside");
    assertTrue(dir.checkpoints().size() >= 2, "the sane checkpoints stay: " + dir.checkpoints());
    for (Path checkpoint : dir.checkpoints()) {
      try (NDManager manager = NDManager.newBaseManager()) {
        FlowModel model = factory.create(config.model(), manager);
        Checkpoint.read(checkpoint).loadInto(model, manager);
        double bpd = Evaluator.evaluate(model, data, manager, 16, 0, 0).bpd();
        assertTrue(Double.isFinite(bpd) && bpd <= 64, checkpoint + " evaluates to " + bpd + " bits/dim");
      }
    }
  }

  private static long stepOf(NumericalException e) {
    return Long.parseLong(e.getMessage().substring("step ".length(), e.getMessage().indexOf(':')));
  }

  @Test
  void resumeSkipsADamagedCheckpointWithAWarningAndContinuesFromTheNewestValidOne(@TempDir Path tmp) throws IOException {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));
    trainer.train(ModelsTestSupport.run("train { steps = 5, eval-every = 0 }"), dir, false, new TrainingListener() {});
    byte[] bytes = Files.readAllBytes(dir.latest());
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(dir.latest(), bytes);
    FlowException e = assertThrows(FlowException.class, () -> Checkpoint.readHeader(dir.latest()));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());

    Files.writeString(dir.failure(), "an earlier training failed\n");
    List<String> warnings = new ArrayList<>();
    long[] resumedAt = {-1};
    trainer.train(ModelsTestSupport.run("train { steps = 6, eval-every = 0 }"), dir, true, new TrainingListener() {
      @Override
      public void started(long firstStep, long lastStep, FlowModel model) {
        resumedAt[0] = firstStep;
      }

      @Override
      public void warned(String message) {
        warnings.add(message);
      }
    });
    assertEquals(3, resumedAt[0], "the newest valid checkpoint is the numbered one of step 3");
    assertFalse(Files.exists(dir.failure()), "training the run again forgets the earlier failure");
    assertTrue(warnings.stream().anyMatch(w -> w.contains("skipping a damaged checkpoint") && w.contains(dir.latest().toString())),
        warnings.toString());
    assertEquals(6, Checkpoint.readHeader(dir.latest()).step());
  }

  private List<float[]> parameters(ResolvedRun config, Path checkpoint) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = factory.create(config.model(), manager);
      Checkpoint.read(checkpoint).loadInto(model, manager);
      List<float[]> out = new ArrayList<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        out.add(p.getValue().getArray().toFloatArray());
      }
      return out;
    }
  }
}
