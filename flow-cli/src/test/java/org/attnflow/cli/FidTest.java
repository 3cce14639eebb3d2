package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attnflow.api.io.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attnflow fid} end to end on a tiny trained run with the TorchScript fixture networks of
 * scripts/make-fid-fixture.py: the score line and JSON, the reference statistics cached next to
 * the dataset and reused, statistics files, warnings, and one-line errors for bad networks and
 * bad statistics that leave every file as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidTest {
  private static final Path POOL = Harness.repo("flow-cli", "src", "test", "resources", "fid", "pool-features.pt");
  private static final Path NOT_VECTORS = Harness.repo("flow-cli", "src", "test", "resources", "fid", "not-vectors.pt");
  private static final Pattern LINE = Pattern.compile(
      "^FD_fixture-pool = (\\S+) \\(n = 64, T = 1\\.0, checkpoint (\\S+), weights: raw, reference (\\w+) \\((\\S+)\\), network fixture-pool sha256 (\\w{12})\\)\\n$");

  @TempDir static Path tmp;
  private Harness.TinyData data;
  private Path run;

  @BeforeAll
  void trainATinyRun() throws IOException {
    data = Harness.tinyData(tmp.resolve("data"));
    run = tmp.resolve("run");
    assertOk(run("train", "-c", Harness.writeTinyConfig(tmp, data).toString(), "--steps", "6", "--out", run.toString()));
  }

  private Harness.Result fid(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("fid", run.toString(), "--features", POOL.toString(), "--n", "64", "--batch-size", "16"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void scoresTheRunAndCachesTheReferenceNextToTheDataset() throws IOException {
    Harness.Result first = assertOk(fid());
    Matcher m = LINE.matcher(first.out());
    assertTrue(m.matches(), first::toString);
    double score = Double.parseDouble(m.group(1));
    assertTrue(score > 0 && Double.isFinite(score), first::toString);
    assertEquals(run.resolve("checkpoint-best.ckpt").toString(), m.group(2));
    assertEquals("train", m.group(3));
    Path cached = Path.of(m.group(4));
    assertEquals(data.train().getParent(), cached.getParent(), "cached next to the dataset");
    assertTrue(cached.getFileName().toString().matches("attnflow-fid-train-fixture-pool-[0-9a-f]{16}\\.npz"), cached::toString);
    assertEquals(sha256(POOL).substring(0, 12), m.group(5));

    // pytorch-fid's layout: mu (6,) and sigma (6, 6) in float64, and the network's checksum
    Map<String, Npz.Array> arrays = Npz.read(cached);
    assertArrayEquals(new int[] {6}, arrays.get("mu").shape());
    assertArrayEquals(new int[] {6, 6}, arrays.get("sigma").shape());
    assertEquals(Npz.Type.FLOAT64, arrays.get("sigma").type());
    assertEquals(sha256(POOL), new String(arrays.get("network_sha256").bytes(), java.nio.charset.StandardCharsets.US_ASCII));

    // the second run reads the cache (unchanged) and, with the same seed, gives the same score
    byte[] before = Files.readAllBytes(cached);
    Harness.Result second = assertOk(fid());
    assertEquals(first.out(), second.out());
    assertArrayEquals(before, Files.readAllBytes(cached));
    assertTrue(noTemporaryFiles(cached.getParent()));

    // the cached file works as --reference FILE; another seed draws other samples
    String again = assertOk(fid("--reference", cached.toString())).out();
    assertTrue(again.startsWith("FD_fixture-pool = " + m.group(1) + " (") && again.contains(", reference " + cached + ", network "), again);
    Matcher otherSeed = LINE.matcher(assertOk(fid("--seed", "7")).out());
    assertTrue(otherSeed.matches());
    assertTrue(!otherSeed.group(1).equals(m.group(1)), "another seed, other samples");
  }

  @Test
  void jsonCarriesTheScoreAndWhatItWasComputedWith() throws IOException {
    String out = assertOk(fid("--json", "--reference", "test", "--temperature", "0.7", "--checkpoint", "latest")).out();
    assertTrue(out.startsWith("{") && out.endsWith("}\n") && out.indexOf('\n') == out.length() - 1, out);
    assertTrue(out.contains("\"metric\": \"FD_fixture-pool\""), out);
    assertTrue(out.matches("(?s).*\"score\": [0-9.eE-]+,.*"), out);
    assertTrue(out.contains("\"n\": 64"), out);
    assertTrue(out.contains("\"network\": \"fixture-pool\""), out);
    assertTrue(out.contains("\"network_sha256\": \"" + sha256(POOL) + "\""), out);
    assertTrue(out.contains("\"temperature\": 0.7"), out);
    assertTrue(out.contains("\"denoised\": false"), out);
    assertTrue(out.contains("\"checkpoint\": \"" + run.resolve("checkpoint-latest.ckpt") + "\""), out);
    assertTrue(out.contains("\"reference\": \"test\""), out);
    assertTrue(out.contains("\"reference_statistics\": \"" + data.test().getParent().resolve("attnflow-fid-test-fixture-pool-")), out);
    assertTrue(out.contains("\"warnings\": null"), out);
  }

  @Test
  void fewerSamplesThanFeaturesStillScoreWithAWarning() {
    Harness.Result r = run("fid", run.toString(), "--features", POOL.toString(), "--n", "5");
    assertEquals(0, r.status(), r::toString);
    assertTrue(r.out().startsWith("FD_fixture-pool = ") && r.out().indexOf('\n') == r.out().length() - 1, r::toString);
    assertEquals("attnflow fid: warning: only 5 images for 6 features: their covariance is singular, so the score is"
        + " biased upwards and comparable only with scores at the same n\n", r.err());
  }

  @Test
  void aModuleThatDoesNotReturnOneVectorPerImageIsRefused() {
    String line = assertOneLineError(run("fid", run.toString(), "--features", NOT_VECTORS.toString(), "--reference", "test", "--batch-size", "16"), Cli.FAILED);
    assertEquals("attnflow fid: error: " + NOT_VECTORS + ": the network returned shape (16, 1, 8, 8) for 16 images;"
        + " expected one feature vector per image, (16, D)", line);
  }

  @Test
  void aFileThatIsNotTorchScriptOrIsMissingIsRefused() throws IOException {
    Path text = tmp.resolve("features.pt");
    Files.writeString(text, "not a network");
    String line = assertOneLineError(run("fid", run.toString(), "--features", text.toString()), Cli.FAILED);
    assertTrue(line.startsWith("attnflow fid: error: " + text + ": not a TorchScript module the PyTorch engine can load"), line);
    line = assertOneLineError(run("fid", run.toString(), "--features", tmp.resolve("none.pt").toString()), Cli.FAILED);
    assertEquals("attnflow fid: error: " + tmp.resolve("none.pt") + ": no such feature network file", line);
  }

  @Test
  void statisticsFilesWithWrongShapesOrNonFiniteValuesAreRefused() throws IOException {
    Path shapes = stats("shapes.npz", new int[] {6}, new double[6], new int[] {5, 5}, new double[25], null);
    assertEquals("attnflow fid: error: " + shapes + ": sigma must have shape (6, 6) to match mu (6,), found shape (5, 5)",
        assertOneLineError(fid("--reference", shapes.toString()), Cli.FAILED));
    double[] mu = new double[6];
    mu[2] = Double.POSITIVE_INFINITY;
    Path infinite = stats("infinite.npz", new int[] {6}, mu, new int[] {6, 6}, identity(6), null);
    assertEquals("attnflow fid: error: " + infinite + ": mu holds a non-finite value (Infinity) at flat index 2",
        assertOneLineError(fid("--reference", infinite.toString()), Cli.FAILED));
    Path missing = tmp.resolve("missing.npz");
    assertTrue(assertOneLineError(fid("--reference", missing.toString()), Cli.FAILED).contains(missing + ": no such statistics file"));
  }

  @Test
  void statisticsThatDoNotMatchTheNetworkAreRefused() throws IOException {
    Path three = stats("three.npz", new int[] {3}, new double[3], new int[] {3, 3}, identity(3), null);
    assertEquals("attnflow fid: error: " + POOL + ": the network returned 6 features per image, but the reference"
        + " statistics in " + three + " has 3", assertOneLineError(fid("--reference", three.toString()), Cli.FAILED));
    String other = "0".repeat(64);
    Path foreign = stats("foreign.npz", new int[] {6}, new double[6], new int[] {6, 6}, identity(6), other);
    assertEquals("attnflow fid: error: " + foreign + ": these statistics were computed with the feature network of sha256 "
        + other + ", not with " + POOL + " (sha256 " + sha256(POOL) + ")",
        assertOneLineError(fid("--reference", foreign.toString()), Cli.FAILED));
  }

  @Test
  void aDamagedCacheFileIsReportedAndLeftAsItIs() throws IOException {
    Matcher m = LINE.matcher(assertOk(fid("--reference", "test")).out());
    assertTrue(m.matches());
    Path cached = Path.of(m.group(4));
    try {
      Files.writeString(cached, "damaged");
      String line = assertOneLineError(fid("--reference", "test"), Cli.FAILED);
      assertTrue(line.startsWith("attnflow fid: error: " + cached + ": not a readable .npz (zip) archive"), line);
      assertEquals("damaged", Files.readString(cached), "nothing is overwritten");
    } finally {
      Files.delete(cached);
    }
  }

  @Test
  void theFeatureNetworkIsRequired() {
    assertTrue(assertOneLineError(run("fid", run.toString()), Cli.USAGE).contains("Missing required option: features"));
    assertTrue(assertOneLineError(fid("--temperature", "-1"), Cli.USAGE).contains("--temperature must be a finite number ≥ 0"));
  }

  private Path stats(String name, int[] muShape, double[] mu, int[] sigmaShape, double[] sigma, String networkSha) throws IOException {
    Map<String, Npz.Array> arrays = new LinkedHashMap<>();
    arrays.put("mu", Npz.Array.ofDoubles(muShape, mu));
    arrays.put("sigma", Npz.Array.ofDoubles(sigmaShape, sigma));
    if (networkSha != null) {
      arrays.put("network_sha256", Npz.Array.ofBytes(new int[] {networkSha.length()}, networkSha.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
    Path file = tmp.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      Npz.write(out, arrays);
    }
    return file;
  }

  private static double[] identity(int d) {
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      m[i * d + i] = 1;
    }
    return m;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean noTemporaryFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> tmpFiles = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList());
      return tmpFiles.isEmpty();
    }
  }
}
