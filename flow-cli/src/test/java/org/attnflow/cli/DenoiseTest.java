package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny TarFlow trained with Gaussian noise: evaluation says which noise its bits/dim is under,
 * {@code sample --denoise} and {@code fid --denoise} work on it, sampling with the Jacobi inverse
 * reports its iterations, and {@code --denoise} is refused for a run trained with uniform
 * dequantisation.
 */
class DenoiseTest {
  private static final Path POOL = Harness.repo("flow-cli", "src", "test", "resources", "fid", "pool-features.pt");
  private static final String TARFLOW_STEP = "[ { type = tarflow, patch = 1, width = 8, depth = 1, heads = 2, mlp-ratio = 2 } ]";
  @TempDir Path tmp;

  @Test
  void aRunTrainedWithGaussianNoiseSaysSoAndDenoisesItsSamples() throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path config = tmp.resolve("noisy.conf");
    Files.writeString(config, Harness.tinyConfig(data, TARFLOW_STEP) + "data.noise { type = gaussian, sigma = 0.05 }\n");
    Path runDir = tmp.resolve("noisy");
    assertOk(run("train", "-c", config.toString(), "--steps", "1", "--out", runDir.toString()));

    String evaluated = assertOk(run("evaluate", runDir.toString())).out();
    assertTrue(evaluated.contains("under Gaussian noise σ = 0.05, not comparable with bits/dim under uniform dequantisation"), evaluated);
    Path out = tmp.resolve("denoised.png");
    String sampled = assertOk(run("sample", runDir.toString(), "--n", "4", "--denoise", "--out", out.toString())).out();
    assertTrue(sampled.contains("denoised") && Files.size(out) > 0, sampled);

    String plain = assertOk(fid(runDir)).out();
    String denoised = assertOk(fid(runDir, "--denoise")).out();
    assertTrue(plain.contains("\"denoised\": false") && denoised.contains("\"denoised\": true"), denoised);
    assertNotEquals(score(plain), score(denoised), "the denoised samples scored as the raw ones");
  }

  private static Harness.Result fid(Path runDir, String... more) {
    List<String> args = new ArrayList<>(List.of("fid", runDir.toString(), "--features", POOL.toString(), "--n", "32",
        "--batch-size", "16", "--reference", "test", "--json"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  private static double score(String json) {
    Matcher m = Pattern.compile("\"score\": ([0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), json);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void theJacobiInverseReportsItsIterationsAndDenoisingNeedsGaussianNoise() throws IOException {
    Harness.TinyData data = Harness.tinyData(tmp.resolve("data"));
    Path config = tmp.resolve("jacobi.conf");
    Files.writeString(config, Harness.tinyConfig(data, TARFLOW_STEP.replace("mlp-ratio = 2", "mlp-ratio = 2, inverse = jacobi")));
    Path runDir = tmp.resolve("jacobi");
    assertOk(run("train", "-c", config.toString(), "--steps", "1", "--out", runDir.toString()));
    Path out = tmp.resolve("s.png");

    String sampled = assertOk(run("sample", runDir.toString(), "--n", "4", "--out", out.toString())).out();
    assertTrue(sampled.contains("model.levels[0]") && sampled.contains(": inverse ") && sampled.contains("iterations per call"), sampled);
    String refused = assertOneLineError(run("sample", runDir.toString(), "--denoise", "--out", out.toString()), Cli.USAGE);
    assertTrue(refused.contains("--denoise needs a run trained with Gaussian noise") && refused.contains("uniform dequantisation"), refused);
    String fidRefused = assertOneLineError(fid(runDir, "--denoise"), Cli.USAGE);
    assertTrue(fidRefused.contains("--denoise needs a run trained with Gaussian noise"), fidRefused);
  }
}
