package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.quote;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attnflow features train} end to end on the tiny data with label files: the network and
 * its manifest, fid scoring a run with it as FD_<name>, and one-line errors for missing or bad labels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeaturesCommandTest {
  @TempDir static Path tmp;
  private Harness.TinyData data;
  private Path trainLabels;
  private Path testLabels;

  @BeforeAll
  void writeLabelledData() throws IOException {
    data = Harness.tinyData(tmp.resolve("data"));
    trainLabels = writeLabels(tmp.resolve("data/train-labels-idx1-ubyte.gz"), 64, 64, 1);
    testLabels = writeLabels(tmp.resolve("data/t10k-labels-idx1-ubyte.gz"), 32, 32, 2);
  }

  /** An IDX label file (gzip) claiming {@code count} labels and holding {@code present} labels 0..3. */
  private static Path writeLabels(Path file, int count, int present, long seed) throws IOException {
    Random random = new Random(seed);
    try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
      out.writeInt(0x00000801);
      out.writeInt(count);
      for (int i = 0; i < present; i++) {
        out.writeByte(random.nextInt(4));
      }
    }
    return file;
  }

  /** A features configuration over the tiny data with the label files {@code train} and {@code test}. */
  private Path config(String name, Path train, Path test) throws IOException {
    String labels = (train != null ? ", train-labels = " + quote(train) : "") + (test != null ? ", test-labels = " + quote(test) : "");
    return Files.writeString(tmp.resolve(name + ".conf"), "device = cpu\n"
        + "data { pad = 0, dataset { type = idx, train = " + quote(data.train()) + ", test = " + quote(data.test()) + labels + " } }\n"
        + "features { name = tiny-cnn, widths = [4], dimension = 6, batch-size = 16 }\n");
  }

  @Test
  void trainsTheNetworkThatFidScoresWith() throws IOException {
    Path net = tmp.resolve("nets/tiny-cnn.zip");
    Harness.Result r = assertOk(run("features", "train", "-c", config("good", trainLabels, testLabels).toString(),
        "--out", net.toString(), "--steps", "4"));

    assertTrue(r.out().startsWith("training tiny-cnn on 64 labelled images of 1×8×8 (32 test images) for 4 steps\n"), r::toString);
    assertTrue(r.out().contains("step 4/4  loss "), r::toString);
    assertTrue(r.out().matches("(?s).*test accuracy 0\\.\\d{4} on 32 test images \\(tiny-cnn, 6 features, 4 steps in \\d+ s\\)\n.*"),
        r::toString);
    assertTrue(r.out().endsWith("wrote " + net + " (attnflow fid --features " + net + " reports FD_tiny-cnn) and its manifest "
        + tmp.resolve("nets/tiny-cnn.json") + "\n"), r::toString);
    String manifest = Files.readString(tmp.resolve("nets/tiny-cnn.json"));
    assertTrue(manifest.contains("\"name\" : \"tiny-cnn\"") && manifest.contains("\"test-accuracy\" : 0."), manifest);
    assertTrue(manifest.contains("\"input\" : [\n        1,\n        8,\n        8\n    ]"), manifest);

    Path run = tmp.resolve("run");
    assertOk(run("train", "-c", Harness.writeTinyConfig(tmp, data).toString(), "--steps", "3", "--out", run.toString()));
    String fid = assertOk(run("fid", run.toString(), "--features", net.toString(), "--n", "32", "--batch-size", "16")).out();
    assertTrue(fid.startsWith("FD_tiny-cnn = ") && fid.contains(", network tiny-cnn sha256 "), fid);
  }

  @Test
  void aDatasetWithoutLabelsIsRefused() throws IOException {
    String line = assertOneLineError(run("features", "train", "-c", config("unlabelled", null, null).toString(),
        "--out", tmp.resolve("x.zip").toString()), Cli.FAILED);
    assertEquals("attnflow features: error: the train images of " + data.train() + " have no labels: give the idx dataset"
        + " its train-labels and test-labels files, or put every image of an image-folder dataset in a class subfolder"
        + " (cifar10 is always labelled)", line);
    assertFalse(Files.exists(tmp.resolve("x.zip")));
  }

  @Test
  void badLabelFilesAreOneLineErrorsNamingFileAndOffset() throws IOException {
    Path short_ = writeLabels(tmp.resolve("short-labels.gz"), 63, 63, 3);
    String count = assertOneLineError(run("features", "train", "-c", config("short", short_, testLabels).toString(),
        "--out", tmp.resolve("x.zip").toString()), Cli.FAILED);
    assertEquals("attnflow features: error: " + short_ + ": byte offset 4 of the decompressed data: expected 64 labels,"
        + " one per image of " + data.train() + ", found 63", count);

    Path wide = Files.write(tmp.resolve("wide-labels.idx"), new byte[] {0, 0, 8, 1, 0, 0, 0, 32, 1, 2, 3, 10,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    String range = assertOneLineError(run("features", "train", "-c", config("wide", trainLabels, wide).toString(),
        "--set", "data.dataset.classes = 4", "--out", tmp.resolve("x.zip").toString()), Cli.FAILED);
    assertEquals("attnflow features: error: " + wide + ": byte offset 11: label 10 of image 3 is not one of the 4 classes 0..3"
        + " (the dataset's classes key)", range);
  }

  @Test
  void theActionAndTheOutputAreRequired() throws IOException {
    String conf = config("usage", trainLabels, testLabels).toString();
    assertTrue(assertOneLineError(run("features", "fit", "-c", conf, "--out", "x.zip"), Cli.USAGE)
        .contains("unknown action \"fit\"; the one action is train"));
    assertTrue(assertOneLineError(run("features", "train", "-c", conf), Cli.USAGE).contains("Missing required option: out"));
    assertTrue(assertOneLineError(run("features", "train", "-c", conf, "--out", "x.json"), Cli.USAGE)
        .contains("--out x.json: the network's manifest is written beside it as JSON"));
  }
}
