package org.attnflow.models.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.models.Evaluation;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.ModelsTestSupport;
import org.attnflow.models.SyntheticData;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training a class-conditional model: every pass over a batch carries the batch's labels (the model
 * refuses a pass without them), the run records the class names, evaluation reports each class,
 * resuming is exact (with class dropout too), and data that cannot condition the model, or class
 * dropout without classes, is a configuration error.
 */
class ConditionalTrainingTest {
  private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
  private static final String THREE_CLASSES = "model.classes = 3\n";
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);

  @Test
  void aConditionalRunTrainsOnItsLabelsRecordsTheClassesAndResumesExactly(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, SyntheticData.labelled(SHAPE, 32, 3), ModelsTestSupport.NO_SCORER);
    ResolvedRun six = ModelsTestSupport.run(THREE_CLASSES);
    RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
    Optional<Evaluation> last = trainer.train(six, straight, false, new TrainingListener() {});

    RunDirectory stopped = new RunDirectory(tmp.resolve("stopped"));
    trainer.train(ModelsTestSupport.run(THREE_CLASSES + "train.steps = 3"), stopped, false, new TrainingListener() {});
    trainer.train(six, stopped, true, new TrainingListener() {});

    assertEquals(List.of("0", "1", "2"), straight.classNames(3));
    Evaluation e = last.orElseThrow();
    assertEquals(3, e.perClass().size());
    assertEquals(32, e.perClass().stream().mapToInt(Evaluation.ClassBpd::images).sum());
    double weighted = e.perClass().stream().mapToDouble(c -> c.bpd() * c.images()).sum() / 32;
    assertEquals(e.bpd(), weighted, 1e-4, "the overall mean is the images' mean over the classes");
    List<float[]> a = ModelsTestSupport.parameters(six, straight.latest());
    List<float[]> b = ModelsTestSupport.parameters(six, stopped.latest());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), 0f, "parameter " + i + " differs after resuming");
    }
  }

  @Test
  void aRunWithClassDropoutResumesExactlyAndDropsClasses(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, SyntheticData.labelled(SHAPE, 32, 3), ModelsTestSupport.NO_SCORER);
    String dropping = THREE_CLASSES + "train.class-dropout = 0.3\n";
    ResolvedRun six = ModelsTestSupport.run(dropping);
    RunDirectory straight = new RunDirectory(tmp.resolve("straight"));
    trainer.train(six, straight, false, new TrainingListener() {});
    RunDirectory stopped = new RunDirectory(tmp.resolve("stopped"));
    trainer.train(ModelsTestSupport.run(dropping + "train.steps = 3"), stopped, false, new TrainingListener() {});
    trainer.train(six, stopped, true, new TrainingListener() {});
    RunDirectory keeping = new RunDirectory(tmp.resolve("keeping"));
    trainer.train(ModelsTestSupport.run(THREE_CLASSES), keeping, false, new TrainingListener() {});

    List<float[]> a = ModelsTestSupport.parameters(six, straight.latest());
    List<float[]> b = ModelsTestSupport.parameters(six, stopped.latest());
    List<float[]> kept = ModelsTestSupport.parameters(six, keeping.latest());
    boolean differ = false;
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), 0f, "parameter " + i + " differs after resuming");
      differ |= !Arrays.equals(a.get(i), kept.get(i));
    }
    assertTrue(differ, "six steps with class dropout 0.3 ended where those without it did");
  }

  @Test
  void classDropoutInAnUnconditionalModelIsAConfigurationError() {
    String message = assertThrows(ConfigError.class, () -> ModelsTestSupport.run("train.class-dropout = 0.1")).getMessage();
    assertTrue(message.contains("train.class-dropout: expected 0 for an unconditional model (model.classes = 0), found 0.1"), message);
  }

  @Test
  void aConditionalModelOnUnlabelledDataIsAConfigurationErrorNamingTheDataset(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, new SyntheticData(SHAPE, 32), ModelsTestSupport.NO_SCORER);

    String message = assertThrows(ConfigError.class, () -> trainer.train(ModelsTestSupport.run(THREE_CLASSES),
        new RunDirectory(tmp.resolve("run")), false, new TrainingListener() {})).getMessage();

    assertTrue(message.contains("model.classes: a class-conditional model (classes = 3) needs labelled data, but the dataset"
        + " synthetic waves has no labels"), message);
  }

  @Test
  void aClassCountOtherThanTheDatasetsIsAConfigurationErrorNamingBoth(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, SyntheticData.labelled(SHAPE, 32, 10), ModelsTestSupport.NO_SCORER);

    String message = assertThrows(ConfigError.class, () -> trainer.train(ModelsTestSupport.run(THREE_CLASSES),
        new RunDirectory(tmp.resolve("run")), false, new TrainingListener() {})).getMessage();

    assertTrue(message.contains("model.classes: expected the number of classes of the dataset synthetic waves, found classes = 3"
        + " but the dataset has 10 classes"), message);
  }

  @Test
  void anUnconditionalModelTrainsOnLabelledDataAndRecordsNoClasses(@TempDir Path tmp) {
    Trainer trainer = new Trainer(factory, SyntheticData.labelled(SHAPE, 32, 3), ModelsTestSupport.NO_SCORER);
    RunDirectory dir = new RunDirectory(tmp.resolve("run"));

    Evaluation e = trainer.train(ModelsTestSupport.run("train.steps = 3"), dir, false, new TrainingListener() {}).orElseThrow();

    assertTrue(e.perClass().isEmpty());
    assertTrue(!dir.classNamesFile().toFile().exists());
  }
}
