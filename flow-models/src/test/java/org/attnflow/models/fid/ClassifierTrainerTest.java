package org.attnflow.models.fid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.attnflow.api.FlowException;
import org.attnflow.api.ImageShape;
import org.attnflow.api.data.Labels;
import org.attnflow.models.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature classifier on a separable toy set (four classes: a bright 4×4 square in one quadrant
 * of a noisy 8×8 image): a few steps beat chance, and saving and loading it as a feature network
 * gives the same features, named FD_ + its name.
 */
class ClassifierTrainerTest {
  private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
  private static final ClassifierSettings SETTINGS = new ClassifierSettings("toy-cnn", List.of(4, 8), 6, 40, 16, 1e-2, 3);
  @TempDir Path dir;

  /** {@code n} toy images and their labels: class k lights up quadrant k. */
  private static Images toy(int n, long seed, int[] labels) {
    Random random = new Random(seed);
    byte[] pixels = new byte[n * SHAPE.size()];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(4);
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean lit = y / 4 == labels[i] / 2 && x / 4 == labels[i] % 2;
          pixels[i * SHAPE.size() + y * 8 + x] = (byte) ((lit ? 150 : 0) + random.nextInt(100));
        }
      }
    }
    return new Images(pixels, n, SHAPE);
  }

  @Test
  void aFewStepsOnSeparableImagesBeatChanceAndTheSavedNetworkGivesTheSameFeatures() throws IOException {
    int[] trainLabels = new int[256];
    int[] testLabels = new int[64];
    Images train = toy(256, 1, trainLabels);
    Images test = toy(64, 2, testLabels);

    CnnClassifier.WithManifest trained = ClassifierTrainer.train(SETTINGS, train, new Labels(trainLabels, 4), test,
        new Labels(testLabels, 4), Device.cpu(), (step, steps, loss) -> assertTrue(Double.isFinite(loss)));
    Path file = dir.resolve("toy.zip");
    float[] expected;
    try (CnnClassifier classifier = trained.classifier(); NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ClassifierManifest manifest = trained.manifest();
      assertTrue(manifest.testAccuracy() > 0.6, "chance is 0.25, found " + manifest.testAccuracy());
      assertEquals(64, manifest.testImages());
      assertEquals(new CnnArchitecture(SHAPE, List.of(4, 8), 6, 4), manifest.architecture());
      classifier.save(file, manifest);
      expected = classifier.features(test.toUnitInterval(manager), false).toFloatArray();
    }

    try (FeatureNetwork network = FeatureNetwork.load(file, Device.cpu()); NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      assertEquals("toy-cnn", network.name());
      assertEquals("FD_toy-cnn", network.metric());
      assertArrayEquals(expected, network.features(test, manager), "the same features after a save and a load");
    }
  }

  @Test
  void theSameSeedTrainsTheSameClassifier() {
    int[] labels = new int[64];
    Images images = toy(64, 5, labels);
    ClassifierSettings few = new ClassifierSettings("toy-cnn", List.of(4), 4, 3, 8, 1e-2, 9);
    float[][] features = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (CnnClassifier c = ClassifierTrainer.train(few, images, new Labels(labels, 4), images, new Labels(labels, 4),
          Device.cpu(), (step, steps, loss) -> {}).classifier()) {
        features[run] = c.features(images.toUnitInterval(c.manager()), false).toFloatArray();
      }
    }
    assertArrayEquals(features[0], features[1]);
  }

  @Test
  void imagesOfAnotherShapeAreRefusedWithTheShapeItTakes() throws IOException {
    Path file = dir.resolve("toy.zip");
    try (CnnClassifier c = CnnClassifier.create(new CnnArchitecture(SHAPE, List.of(2), 3, 4), 0, Device.cpu())) {
      c.save(file, new ClassifierManifest("toy-cnn", c.architecture(), 0.5, 10, 0));
    }
    Images wide = new Images(new byte[2 * 8 * 10], 2, new ImageShape(1, 8, 10));
    try (FeatureNetwork network = FeatureNetwork.load(file, Device.cpu()); NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      String message = assertThrows(FlowException.class, () -> network.features(wide, manager)).getMessage();
      assertEquals(file + ": the classifier takes images of 1×8×8, found images of shape (1, 8, 10)"
          + " (train it on data padded as the run's)", message);
    }
  }

  @Test
  void anArchiveWithoutItsParametersIsRefused() throws IOException {
    Path file = dir.resolve("broken.zip");
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(CnnClassifier.MANIFEST_ENTRY));
      zip.write(new ClassifierManifest("toy-cnn", new CnnArchitecture(SHAPE, List.of(2), 3, 4), 0.5, 10, 0).toJson().getBytes());
      zip.closeEntry();
    }
    String message = assertThrows(FlowException.class, () -> FeatureNetwork.load(file, Device.cpu())).getMessage();
    assertEquals(file + ": a feature classifier archive without its entry parameters", message);
  }
}
