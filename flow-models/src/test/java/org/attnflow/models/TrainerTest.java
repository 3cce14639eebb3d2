package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.NumericalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training: learning, exact resume, checkpoints, and the handling of non-finite values. */
class TrainerTest {
  private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);

  @Test
  void trainingTwiceNStepsEqualsTrainingNStoppingAndResumingForN(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32));
    RunConfig six = ModelsTestSupport.tiny("");
    RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
    trainer.train(six, straight, false, new TrainingListener() {});

    RunDirectory stopped = new RunDirectory(tmp.resolve("stopped"));
    trainer.train(ModelsTestSupport.tiny("train.steps = 3"), stopped, false, new TrainingListener() {});
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
  void trainingLowersTestBitsPerDimAndWritesTheRunDirectory(@TempDir Path tmp) throws IOException {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32));
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));
    List<Double> evaluations = new ArrayList<>();
    trainer.train(ModelsTestSupport.tiny("train { steps = 40, eval-every = 20, learning-rate = 3e-3 }"), dir, false,
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
  void aNonFiniteLossStopsTheRunNamingTheLayerAndKeepsACheckpoint(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32, Float.NaN));
    RunDirectory dir = new RunDirectory(tmp.resolve("nan"));
    NumericalException e = assertThrows(NumericalException.class,
        () -> trainer.train(ModelsTestSupport.tiny(""), dir, false, new TrainingListener() {}));
    assertTrue(e.getMessage().contains("model.levels[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("step 1"), e.getMessage());
    assertNotNull(Checkpoint.readHeader(dir.latest()));
  }

  @Test
  void aCorruptCheckpointIsDetected(@TempDir Path tmp) throws IOException {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32));
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));
    trainer.train(ModelsTestSupport.tiny("train.steps = 3"), dir, false, new TrainingListener() {});
    byte[] bytes = Files.readAllBytes(dir.latest());
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(dir.latest(), bytes);
    FlowException e = assertThrows(FlowException.class, () -> Checkpoint.readHeader(dir.latest()));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    Files.write(dir.latest(), java.util.Arrays.copyOf(bytes, 100));
    e = assertThrows(FlowException.class, () -> trainer.train(ModelsTestSupport.tiny(""), dir, true, new TrainingListener() {}));
    assertTrue(e.getMessage().contains(dir.latest().toString()), e.getMessage());
  }

  private List<float[]> parameters(RunConfig config, Path checkpoint) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = factory.create(config.block("model"), manager);
      Checkpoint.load(checkpoint, model, null, manager);
      List<float[]> out = new ArrayList<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        out.add(p.getValue().getArray().toFloatArray());
      }
      return out;
    }
  }
}
