package org.attnflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attention heat maps and the benchmark command, end to end on tiny data. */
class AttentionAndBenchTest {
  private static final String ATTENTION_STEP = "[ { type = actnorm }, { type = invconv }, "
      + "{ type = affine-coupling, hidden = 8 }, { type = imap }, { type = itrans, gate = true } ]";

  @Test
  void attentionWritesOneHeatMapPerAttentionLayer(@TempDir Path tmp) throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path config = tmp.resolve("attention.conf");
    Files.writeString(config, Harness.tinyConfig(data, ATTENTION_STEP));
    Path run = tmp.resolve("run");
    Harness.assertOk(Harness.run("train", "-c", config.toString(), "--steps", "2", "--out", run.toString()));
    // the saved configuration spells out every default, those of nested plugins included
    Config imapBlock = ConfigFactory.parseFile(run.resolve("config.conf").toFile()).getConfigList("model.step").get(3);
    assertEquals(2.0, imapBlock.getDouble("offset"));
    assertEquals(1, imapBlock.getInt("mask.grid"), "the default mask's own default");

    Path maps = run.resolve("attention");
    Harness.Result r = Harness.assertOk(Harness.run("attention", run.toString(), "--image", "3"));
    assertTrue(r.out().contains("wrote 4 attention maps of test image 3"), r.out());
    List<Path> files;
    try (Stream<Path> s = Files.list(maps)) {
      files = s.sorted().toList();
    }
    assertEquals(5, files.size(), "the image and 2 levels × (iMap + iTrans), by default in the run's attention/: " + files);
    BufferedImage imap = ImageIO.read(files.stream().filter(f -> f.toString().contains("imap")).findFirst().orElseThrow().toFile());
    BufferedImage itrans = ImageIO.read(files.stream().filter(f -> f.toString().contains("itrans")).findFirst().orElseThrow().toFile());
    assertNotNull(imap);
    assertNotNull(itrans);
    // level 0 works on 4×4×4: iMap shows a 4×4 map, iTrans a 4×4 token matrix (2×2 patches of 4×4)
    assertEquals(imap.getWidth(), imap.getHeight());
    assertEquals(itrans.getWidth(), itrans.getHeight());
  }

  @Test
  void attentionRefusesAModelWithoutAttention(@TempDir Path tmp) throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path run = tmp.resolve("run");
    Harness.assertOk(Harness.run("train", "-c", Harness.writeTinyConfig(tmp, data).toString(), "--steps", "1", "--out", run.toString()));
    String error = Harness.assertOneLineError(Harness.run("attention", run.toString(), "--out", tmp.resolve("m").toString()), 1);
    assertTrue(error.contains("no attention layer"), error);
  }

  @Test
  void benchPrintsTheFiguresOfBenchmarksMd(@TempDir Path tmp) throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Harness.Result r = Harness.assertOk(Harness.run("bench", Harness.writeTinyConfig(tmp, data).toString(), "--steps", "63", "--eval"));
    String json = r.out().lines().findFirst().orElseThrow();
    for (String key : List.of("\"workload\": \"tiny\"", "\"steps\": 63", "\"train_images_per_s\": ", "\"sample_images_per_s\": ",
        "\"test_bpd\": ", "\"peak_rss_mb\": ", "\"native_growth_mb\": null", "\"parameters\": ",
        "\"engine_calls_per_step\": ", "\"outside_kernel_share\": 0.", "\"engine_calls_per_sample_batch\": ",
        "\"sample_outside_kernel_share\": 0.")) {
      assertTrue(json.contains(key), key + " in " + json);
    }
    assertTrue(!json.contains("\"test_bpd\": null"), json);
    String error = Harness.assertOneLineError(Harness.run("bench", Harness.writeTinyConfig(tmp, data).toString(), "--steps", "10"), 2);
    assertTrue(error.contains("at least 63"), error);
  }

  @Test
  void benchPrintsTheTrainingsWarningsBeforeItsFigures(@TempDir Path tmp) throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path run = Files.createDirectories(tmp.resolve("run"));
    Files.writeString(run.resolve("train.lock"), "4242@a-stopped-host\n");
    Harness.Result r = Harness.assertOk(Harness.run("bench", Harness.writeTinyConfig(tmp, data).toString(), "--steps", "63",
        "--out", run.toString()));
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("warning: took over the lock of " + run), r.toString());
    assertTrue(lines.get(1).startsWith("{\"workload\": \"tiny\""), r.toString());
  }

  @Test
  void benchProfileWritesTheOperatorTracesOfTheStepsAndOfSampling(@TempDir Path tmp) throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path trace = tmp.resolve("trace.json");
    Harness.assertOk(Harness.run("bench", Harness.writeTinyConfig(tmp, data).toString(), "--steps", "63",
        "--profile", trace.toString()));
    String steps = Files.readString(trace);
    String sampling = Files.readString(tmp.resolve("trace-sampling.json"));
    // the training window holds the backward pass, the sampling batch only forward operators
    assertTrue(steps.contains("\"aten::convolution_backward\""), "backward convolutions in the steps' trace");
    assertTrue(sampling.contains("\"aten::convolution\""), "convolutions in the sampling trace");
    assertTrue(!sampling.contains("convolution_backward"), "no backward pass while sampling");
  }
}
