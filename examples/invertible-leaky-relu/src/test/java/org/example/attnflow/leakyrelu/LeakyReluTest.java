package org.example.attnflow.leakyrelu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.LayerProvider;
import org.attnflow.api.spi.Plugin;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layer meets AttnFlow's layer contract (checked by the test kit with randomised parameters),
 * is not the identity at those parameters, and its provider is found, documented and strict.
 */
class LeakyReluTest {
  /** Finds the provider the way the framework does: ServiceLoader over this module. */
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape SHAPE = new ImageShape(4, 4, 4);

  /** Layers built through the registry from a HOCON block, as a model builds them. */
  private static Supplier<FlowLayer> factory(String hocon) {
    return Layers.factory(REGISTRY, hocon, SHAPE, 0, 42);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "type = leaky-relu",
      "type = leaky-relu, slope = 0.1",
      "type = leaky-relu, slope = 4",
      "type = leaky-relu, slope = 0.9, max-log-slope = 0.5"})
  void meetsTheLayerContract(String config) {
    // round trip, inverse log-det = −forward log-det, log-det against the brute-force Jacobian,
    // save/load, finite outputs; every trainable parameter perturbed by N(0, 0.2²) noise.
    for (long seed = 0; seed < 3; seed++) {
      LayerContract.of(factory(config)).seed(seed).verifyAll();
    }
  }

  /**
   * In a model of three classes (model.classes = 3) the layer learns a slope per class and
   * channel: the contract runs under each of three conditions, and another class must change the
   * output.
   */
  @Test
  void aClassConditionalLayerMeetsTheContractForEachClass() {
    LayerContract.of(Layers.factory(REGISTRY, "type = leaky-relu", SHAPE, 0, 42, 3)).classes(3).verifyAll();
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = LayerContract.of(Layers.factory(REGISTRY, "type = leaky-relu", SHAPE, 0, 42, 3)).classes(3).prepare(manager, 0);
      assertEquals(3 * SHAPE.channels(), layer.freeParameterCount());
    }
  }

  @Test
  void isNotTheIdentityAtTheTestedParameters() {
    LayerContract contract = LayerContract.of(factory("type = leaky-relu"));
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = contract.prepare(manager, 0);
      NDArray x = contract.input(manager, SHAPE);
      float[] in = x.toFloatArray();
      int negatives = 0;
      for (float v : in) {
        negatives += v < 0 ? 1 : 0;
      }
      // Both branches are exercised by the contract's input.
      assertTrue(negatives > in.length / 4 && negatives < 3 * in.length / 4, "negative entries: " + negatives);

      FlowOutput out = layer.forward(x, FlowPass.encoding());
      double change = out.value().sub(x).abs().max().getFloat();
      assertTrue(change > 0.05, "the layer barely moves its input: max |y − x| = " + change);
      for (float logDet : out.logDet().toFloatArray()) {
        assertTrue(Math.abs(logDet) > 1, "log-det should be far from 0, found " + logDet);
      }
      // The randomised slopes differ per channel and from the initial 0.5.
      float[] slopes = ((InvertibleLeakyRelu) layer).slopes();
      assertEquals(SHAPE.channels(), slopes.length);
      for (float a : slopes) {
        assertTrue(a > 0 && Math.abs(a - 1) > 0.1 && Math.abs(a - 0.5f) > 1e-4, "slope " + a);
      }
      // Positive entries pass unchanged, negative ones are scaled by their channel's slope.
      float[] y = out.value().toFloatArray();
      int perChannel = SHAPE.positions();
      for (int i = 0; i < in.length; i++) {
        float a = slopes[(i / perChannel) % SHAPE.channels()];
        float expected = in[i] >= 0 ? in[i] : a * in[i];
        assertEquals(expected, y[i], 1e-5 * Math.max(1, Math.abs(expected)), "entry " + i);
      }
    }
  }

  /**
   * The gradient of θ must not depend on when the garbage collector runs. (With DJL 0.33 on the
   * CPU, {@code array.mul(2.0)} or {@code div(2.0)} on the gradient path reads the number from
   * memory that a collection between forward and backward frees: the gradient becomes garbage.)
   */
  @Test
  void gradientsDoNotDependOnGarbageCollection() throws InterruptedException {
    LayerContract contract = LayerContract.of(factory("type = leaky-relu"));
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = contract.prepare(manager, 0);
      NDArray x = contract.input(manager, SHAPE);
      float[] quiet = thetaGradient(layer, x, false);
      float[] collected = thetaGradient(layer, x, true);
      assertTrue(java.util.Arrays.equals(quiet, collected),
          () -> java.util.Arrays.toString(quiet) + " became " + java.util.Arrays.toString(collected));
      for (float g : quiet) {
        assertTrue(Float.isFinite(g) && g != 0, "gradient " + g);
      }
    }
  }

  /** d/dθ of Σ y² + Σ log-det, optionally with a garbage collection between forward and backward. */
  private static float[] thetaGradient(FlowLayer layer, NDArray x, boolean collect) throws InterruptedException {
    Parameter theta = null;
    for (Pair<String, Parameter> p : layer.getParameters()) {
      if (p.getValue().getName().equals("theta")) {
        theta = p.getValue();
      }
    }
    NDArray array = theta.getArray();
    array.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      FlowOutput out = layer.forward(x, FlowPass.encoding());
      NDArray loss = out.value().square().sum().add(out.logDet().sum());
      if (collect) {
        System.gc();
        Thread.sleep(50);
        List<NDArray> reuse = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          reuse.add(x.getManager().create(0f)); // would take over freed memory
        }
        reuse.forEach(NDArray::close);
      }
      gc.backward(loss);
    }
    float[] g = array.getGradient().toFloatArray();
    array.getGradient().subi(array.getGradient());
    return g;
  }

  @Test
  void theSlopeIsLearnable() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = LayerContract.of(factory("type = leaky-relu")).prepare(manager, 0);
      assertEquals(SHAPE.channels(), layer.freeParameterCount());
    }
  }

  @Test
  void providerIsFoundAndDocumentsItsKeys() {
    Plugin<FlowLayer> p = REGISTRY.providers(PluginKind.LAYER).get(LeakyReluProvider.TYPE);
    assertInstanceOf(LeakyReluProvider.class, p, "ServiceLoader should find the provider");
    assertFalse(p.description().isBlank());
    for (Map.Entry<String, ConfigValue> key : p.defaults().root().entrySet()) {
      assertFalse(key.getValue().origin().comments().isEmpty(), "undocumented key " + key.getKey());
    }
    assertEquals(0.5, p.defaults().getDouble("slope"));
    assertEquals(3.0, p.defaults().getDouble("max-log-slope"));
  }

  /**
   * The launcher reads {@code provides} in module-info.java; a class-path run reads
   * META-INF/services. Both must name the same providers.
   */
  @Test
  void servicesFileMatchesModuleInfo() throws IOException {
    String service = LayerProvider.class.getName();
    List<String> listed;
    try (InputStream in = LeakyReluProvider.class.getClassLoader().getResourceAsStream("META-INF/services/" + service)) {
      assertTrue(in != null, "missing META-INF/services/" + service);
      listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(l -> l.replaceFirst("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
    }
    assertEquals(List.of(LeakyReluProvider.class.getName()), listed);
    ModuleDescriptor descriptor = LeakyReluProvider.class.getModule().getDescriptor();
    if (descriptor != null) { // null when the tests run on the class path
      List<String> provided = descriptor.provides().stream()
          .filter(p -> p.service().equals(service)).flatMap(p -> p.providers().stream()).toList();
      assertEquals(listed, provided, "module-info.java and META-INF/services disagree");
    }
  }

  @Test
  void unknownKeysAndBadValuesAreConfigErrors() {
    ConfigError unknown = assertThrows(ConfigError.class, () -> factory("type = leaky-relu, slop = 0.2").get());
    assertTrue(unknown.getMessage().contains("layer.slop: unknown key for layer \"leaky-relu\"; known keys: max-log-slope, slope, type"),
        unknown.getMessage());
    ConfigError negative = assertThrows(ConfigError.class, () -> factory("type = leaky-relu, slope = -1").get());
    assertTrue(negative.getMessage().contains("layer.slope: expected a number in"), negative.getMessage());
    ConfigError bound = assertThrows(ConfigError.class, () -> factory("type = leaky-relu, slope = 30").get());
    assertTrue(bound.getMessage().contains("found 30"), bound.getMessage());
  }
}
