package org.attnflow.marflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.Prior;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.config.Settings;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.layers.Split;
import org.attnflow.models.Encoding;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;

/** The {@code marflow} plugin through the registry: options, a split that uses it, a whole model. */
class MarFlowPluginTest {
  private static final Registry REGISTRY = Registry.builtIn();

  private static Settings settings(String hocon, String path) {
    return new Settings(ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("test")).root(), path);
  }

  private static Prior prior(String hocon, ImageShape latent, ImageShape condition) {
    return REGISTRY.create(PluginKind.PRIOR, new BuildContext(settings(hocon, "prior"), "prior", latent, condition, 0, new Random(0), REGISTRY, 0));
  }

  @Test
  void isRegisteredWithItsDefaults() {
    assertTrue(REGISTRY.providers(PluginKind.PRIOR).get("marflow") instanceof MarFlowPriorProvider);
    MarFlowPrior p = (MarFlowPrior) prior("type = marflow", new ImageShape(4, 8, 8), new ImageShape(4, 8, 8));
    assertEquals(MarFlowOptions.defaults(), p.options());
    assertEquals(3, p.cells().size());
    assertEquals(1 + 32, p.cells().get(0).inputs());
    MarFlowPrior top = (MarFlowPrior) prior("type = marflow", new ImageShape(16, 4, 4), null);
    assertEquals(1, top.cells().get(0).inputs());
    assertEquals(null, top.embedding());
    assertEquals("prior", top.path());
  }

  @Test
  void perSizeEntriesOverrideKeysForTheLatentOfThatSize() {
    String hocon = "type = marflow, hidden = 6, kernel = 3, per-size { 16x16 { kernel = 5, dilation = 2 }, 8x8 { layers = 1 } }";
    MarFlowOptions big = ((MarFlowPrior) prior(hocon, new ImageShape(2, 16, 16), new ImageShape(2, 16, 16))).options();
    MarFlowOptions mid = ((MarFlowPrior) prior(hocon, new ImageShape(4, 8, 8), new ImageShape(4, 8, 8))).options();
    MarFlowOptions top = ((MarFlowPrior) prior(hocon, new ImageShape(16, 4, 4), null)).options();
    assertEquals(new MarFlowOptions(3, 6, 5, 2, 32), big);
    assertEquals(new MarFlowOptions(1, 6, 3, 1, 32), mid);
    assertEquals(new MarFlowOptions(3, 6, 3, 1, 32), top);
  }

  @Test
  void thePublishedFormIsReadAndFollowsThePerSizeEntries() {
    String hocon = "type = marflow, kernel = 5, embed = 4, embed-hidden = 32, embed-kernel = 5, input-conv = true, output-kernel = 3,"
        + " per-size { 16x16 { dilation = 2 }, 4x4 { kernel = 3 } }";
    MarFlowPrior big = (MarFlowPrior) prior(hocon, new ImageShape(6, 16, 16), new ImageShape(6, 16, 16));
    MarFlowPrior mid = (MarFlowPrior) prior(hocon, new ImageShape(12, 8, 8), new ImageShape(12, 8, 8));
    MarFlowPrior top = (MarFlowPrior) prior(hocon, new ImageShape(48, 4, 4), null);
    assertEquals(new MarFlowOptions(3, 32, 5, 2, 4, 32, 5, true, 3), big.options());
    assertEquals(new MarFlowOptions(3, 32, 5, 1, 4, 32, 5, true, 3), mid.options());
    assertEquals(new MarFlowOptions(3, 32, 3, 1, 4, 32, 5, true, 3), top.options());
    assertEquals(32, big.cells().get(0).inputs());
    assertEquals(null, top.embedding());
    // 0 stands for the gate kernel, as the embedding and output kernels were before they had keys.
    assertEquals(new MarFlowOptions(3, 32, 5, 1, 32), ((MarFlowPrior) prior("type = marflow, kernel = 5", new ImageShape(2, 4, 4), null)).options());
  }

  @Test
  void badSettingsOfThePublishedFormFailWithTheirPath() {
    ImageShape z = new ImageShape(2, 4, 4);
    for (String[] bad : new String[][] {
        {"embed-kernel = 4", "prior.embed-kernel"}, {"output-kernel = 2", "prior.output-kernel"},
        {"embed-hidden = -1", "prior.embed-hidden"}, {"input-conv = 3", "prior.input-conv"},
        {"per-size { 8x8 { embed-kernel = 6 } }", "prior.per-size.8x8.embed-kernel"}}) {
      ConfigError e = assertThrows(ConfigError.class, () -> prior("type = marflow, " + bad[0], z, z), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]) && !e.getMessage().contains("\n"), bad[0] + ": " + e.getMessage());
    }
  }

  @Test
  void badSettingsFailWithTheirPath() {
    ImageShape z = new ImageShape(2, 4, 4);
    ConfigError even = assertThrows(ConfigError.class, () -> prior("type = marflow, kernel = 4", z, z));
    assertTrue(even.getMessage().contains("prior.kernel") && even.getMessage().contains("odd"), even.getMessage());
    ConfigError unknown = assertThrows(ConfigError.class, () -> prior("type = marflow, width = 4", z, z));
    assertTrue(unknown.getMessage().contains("known keys"), unknown.getMessage());
    ConfigError entryKey = assertThrows(ConfigError.class, () -> prior("type = marflow, per-size { 8x8 { kernal = 5 } }", z, z));
    assertTrue(entryKey.getMessage().contains("prior.per-size.8x8.kernal"), entryKey.getMessage());
    ConfigError entryName = assertThrows(ConfigError.class, () -> prior("type = marflow, per-size { level1 { kernel = 5 } }", z, z));
    assertTrue(entryName.getMessage().contains("HEIGHTxWIDTH"), entryName.getMessage());
    ConfigError entryValue = assertThrows(ConfigError.class, () -> prior("type = marflow, per-size { 16x16 { kernel = 2 } }", z, z));
    assertTrue(entryValue.getMessage().contains("kernel"), entryValue.getMessage());
    assertThrows(ConfigError.class, () -> prior("type = marflow, hidden = 0", z, z));
  }

  @Test
  void aSplitWithTheMarflowPriorMeetsTheLayerContract() {
    LayerContract.of(Layers.factory(REGISTRY, "type = split, prior { type = marflow, hidden = 8, layers = 2, embed = 4 }",
        new ImageShape(4, 4, 4), 0, 3)).verifyAll();
    LayerContract.of(Layers.factory(REGISTRY, "type = split, prior { type = marflow, hidden = 4, layers = 1, dilation = 2 }",
        new ImageShape(6, 4, 2), 0, 5)).seed(1).verifyAll();
  }

  @Test
  void inAClassConditionalModelTheMarflowPriorTakesAPerClassMeanAndScale() {
    LayerContract.of(Layers.factory(REGISTRY, "type = split, prior { type = marflow, hidden = 4, layers = 1, embed = 2 }",
        new ImageShape(4, 4, 4), 0, 3, 3)).classes(3).verifyAll();
  }

  @Test
  void aSplitWithThePublishedMarflowPriorMeetsTheLayerContract() {
    LayerContract.of(Layers.factory(REGISTRY, "type = split, prior { type = marflow, hidden = 6, layers = 2, kernel = 5, embed = 4,"
        + " embed-hidden = 8, embed-kernel = 5, input-conv = true, output-kernel = 3, per-size { 4x4 { dilation = 2 } } }",
        new ImageShape(4, 4, 4), 0, 3)).verifyAll();
  }

  @Test
  void thePaperConfigurationGivesThePublishedPriorOfEachLevel() {
    java.nio.file.Path conf = java.nio.file.Path.of("..", "configs", "paper", "marflow-affine-cifar10.conf");
    com.typesafe.config.Config model = ConfigFactory.parseFile(conf.toFile()).resolve().getConfig("model");
    try (NDManager manager = NDManager.newBaseManager()) {
      List<MarFlowPrior> priors = new ArrayList<>();
      collect(new ModelFactory(REGISTRY).create(new Settings(model.root(), "model"), manager), priors);
      List<String> found = priors.stream().map(p -> MarFlowOptions.sizeKey(p.latentShape()) + " "
          + p.options().kernel() + "/" + p.options().dilation()).sorted().toList();
      // Kernels 5, 5, 3 and dilations 2, 1, 1 from the first split (16×16) to the top (4×4).
      assertEquals(List.of("16x16 5/2", "4x4 3/1", "8x8 5/1"), found);
      for (MarFlowPrior p : priors) {
        MarFlowOptions o = p.options();
        assertEquals(List.of(3, 32, 3), List.of(o.layers(), o.hidden(), o.outputKernel()), p.path());
        assertTrue(o.inputConv(), p.path());
        if (p.keptShape() != null) {
          assertEquals(List.of(4, 32, 5), List.of(o.embed(), o.embedHidden(), o.embedKernel()), p.path() + " embedding");
        }
      }
    }
  }

  @Test
  void theSplitHandsTheMarflowLogLikelihoodToThePass() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer split = Layers.factory(REGISTRY, "type = split, prior { type = marflow, hidden = 8, layers = 2 }",
          new ImageShape(4, 4, 4), 0, 3).get();
      split.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, split.inputShape().batched(1));
      LayerContract.randomize(split, 4, 0.3);
      MarFlowPrior prior = only(split, MarFlowPrior.class);
      NDArray x = new Noise(5).normal(manager, split.inputShape().batched(3));
      FlowPass pass = FlowPass.encoding();
      NDArray z1 = split.forward(x, pass).value();
      NDArray z2 = pass.latents().peek();
      Priors.Reference ref = Priors.reference(prior, z2, z1);
      float[] got = pass.priorLogProb().toFloatArray();
      for (int b = 0; b < 3; b++) {
        assertEquals(ref.logProb()[b], got[b], 1e-4 * Math.abs(ref.logProb()[b]));
      }
    }
  }

  private static final String MODEL = """
      input = [1, 8, 8]
      seed = 3
      levels = 2
      steps = 1
      squeeze { type = squeeze }
      step = [
        { type = actnorm }
        { type = invconv, lu = true }
        { type = affine-coupling, hidden = 8 }
      ]
      split { type = split, prior { type = marflow, hidden = 8, layers = 2, embed = 4, per-size { 4x4 { dilation = 2 } } } }
      prior { type = marflow, hidden = 8, per-size { 2x2 { kernel = 1 } } }
      """;

  @Test
  void aWholeMarflowModelRoundTripsSamplesAndReachesItsPriors() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(REGISTRY).create(settings(MODEL, "model"), manager);
      List<MarFlowPrior> priors = new ArrayList<>();
      collect(model, priors);
      assertEquals(2, priors.size());
      MarFlowPrior top = priors.stream().filter(p -> p.keptShape() == null).findFirst().orElseThrow();
      MarFlowPrior splitPrior = priors.stream().filter(p -> p.keptShape() != null).findFirst().orElseThrow();
      assertEquals(1, top.options().kernel());
      assertEquals(2, splitPrior.options().dilation());
      assertEquals("model.prior", top.path());
      assertEquals("model.levels[0].split.prior", splitPrior.path(), "a nested block is named by its place in the model");

      NDArray x = new Noise(1).uniform(manager, model.inputShape().batched(4)).sub(0.5f);
      model.initializeFromData(x);
      float[] before = model.encode(x, FlowPass.encoding()).logLikelihood().toFloatArray();
      for (MarFlowPrior p : priors) {
        Priors.randomize(p, 2, 0.2);
      }
      float[] after = model.encode(x, FlowPass.encoding()).logLikelihood().toFloatArray();
      for (int b = 0; b < 4; b++) {
        assertTrue(Float.isFinite(after[b]));
        assertNotEquals(before[b], after[b], 1e-3f, "the priors do not reach the model's likelihood");
      }
      assertTrue(model.reconstruct(x).sub(x).abs().max().getFloat() < 1e-4, "the model does not invert");

      for (long n : new long[] {1, 5}) {
        NDArray s = model.sample(manager, n, FlowPass.sampling(0.7, new Noise(6)));
        assertEquals(model.inputShape().batched(n), s.getShape());
        assertTrue(Float.isFinite(s.sum().getFloat()));
      }

      // At temperature 0 every latent of the decoded sample is its prior's chain of means.
      NDArray mode = model.sample(manager, 2, FlowPass.sampling(0, new Noise(7)));
      List<NDArray[]> factored = new ArrayList<>();
      Encoding e = model.encode(mode, FlowPass.encoding(), (layer, input, output) -> {
        if (layer instanceof Split) {
          long kept = output.value().getShape().get(1);
          factored.add(new NDArray[] {input.get(":, " + kept + ":"), output.value()});
        }
        return true;
      }).orElseThrow();
      assertEquals(1, factored.size());
      NDArray topMean = top.meanAndLogStd(e.latent(), null).mean();
      assertTrue(topMean.sub(e.latent()).abs().max().getFloat() < 1e-3, "top latent is not its chain of means");
      NDArray[] zs = factored.get(0);
      NDArray splitMean = splitPrior.meanAndLogStd(zs[0], zs[1]).mean();
      assertTrue(splitMean.sub(zs[0]).abs().max().getFloat() < 1e-3, "factored latent is not its chain of means");
      assertTrue(e.latent().abs().max().getFloat() > 1e-3, "vacuous: the top chain of means is zero");
    }
  }

  private static <T> T only(Block block, Class<T> type) {
    List<T> found = new ArrayList<>();
    collect(block, found, type);
    assertEquals(1, found.size());
    return found.get(0);
  }

  private static void collect(Block block, List<MarFlowPrior> out) {
    collect(block, out, MarFlowPrior.class);
  }

  private static <T> void collect(Block block, List<T> out, Class<T> type) {
    if (type.isInstance(block)) {
      out.add(type.cast(block));
      return;
    }
    for (Block child : block.getChildren().values()) {
      collect(child, out, type);
    }
  }
}
