package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.attnflow.api.AttentionLayer;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.MaskProperty;
import org.attnflow.api.Noise;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.math.DenseLu;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.LayerContract;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** iTrans's log-det is u·log det W of its own attention matrix, and it refuses what it cannot do. */
class ITransTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape SHAPE = new ImageShape(4, 4, 4);

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "type = itrans                                          | 4 | 4 | 4 | 2 | 1",
      "type = itrans, lambda = 1.25                           | 2 | 8 | 8 | 2 | 1.25",
      "type = itrans, gate = true                             | 4 | 4 | 4 | 2 | 1",
      "type = itrans, causal = true                           | 2 | 8 | 8 | 2 | 1",
      "type = itrans, mask { type = channel-halves }, patch = 4 | 2 | 8 | 8 | 4 | 1"})
  void logDetIsUnmaskedFeaturesTimesLogDetOfW(String config, int c, int h, int w, int patch, double lambda) {
    ImageShape shape = new ImageShape(c, h, w);
    int n = h * w / (patch * patch);
    int unmaskedPerToken = c * patch * patch / 2;
    LayerContract contract = LayerContract.of(Layers.factory(REGISTRY, config, shape, 0, 3));
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = contract.prepare(manager, 11);
      NDArray x = contract.input(manager, shape);
      float[] logDet = layer.forward(x, FlowPass.encoding()).logDet().toFloatArray();
      float[] a = ((AttentionLayer) layer).attentionMap(x).toFloatArray();
      assertEquals(logDet.length * n * n, a.length, "A must be (B, N, N)");
      double gate = config.contains("gate") ? sigmoid(layer.getParameters().get("gate").getArray().getFloat()) : 1;
      for (int b = 0; b < logDet.length; b++) {
        double[] weights = new double[n * n];
        for (int i = 0; i < n; i++) {
          double rowSum = 0;
          for (int j = 0; j < n; j++) {
            double aij = a[(b * n + i) * n + j];
            rowSum += aij;
            weights[i * n + j] = (config.contains("gate") ? gate : 1) * aij + (i == j ? lambda : 0);
            if (config.contains("causal") && j > i) {
              assertEquals(0, aij, "the causal A has weight above the diagonal");
            }
          }
          assertEquals(1, rowSum, 1e-5, "A is not row-stochastic");
        }
        double expected = unmaskedPerToken * new DenseLu(weights, n).logAbsDet();
        assertTrue(Math.abs(expected) > 0.05, "a near-zero log-det would prove little: " + expected);
        assertEquals(expected, logDet[b], 1e-4 * Math.max(1, Math.abs(expected)), config + ", sample " + b);
      }
    }
  }

  @Test
  void theGatedLayerStartsNearTheIdentity() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = Layers.factory(REGISTRY, "type = itrans, gate = true", SHAPE, 0, 5).get();
      layer.initialize(manager, DataType.FLOAT32, SHAPE.batched(2));
      NDArray x = new Noise(9).normal(manager, SHAPE.batched(2));
      var out = layer.forward(x, FlowPass.encoding());
      double g = sigmoid(-4);
      double change = out.value().sub(x).abs().max().getFloat();
      double largest = x.abs().max().getFloat();
      // |y − x| = |g·A·V| ≤ g·max|x| because A is row-stochastic.
      assertTrue(change > 0 && change <= g * largest * (1 + 1e-5), "change " + change + " vs bound " + g * largest);
      // At initialisation A is nearly uniform, so det(I + gA) ≈ 1 + g; u = 8 unmasked features per token.
      for (float logDet : out.logDet().toFloatArray()) {
        assertEquals(8 * Math.log1p(g), logDet, 0.01 * 8 * Math.log1p(g));
      }
    }
  }

  @Test
  void refusesAMaskWithoutTheSamePatternInEveryPatch() {
    ConfigError e = assertThrows(ConfigError.class,
        () -> Layers.factory(REGISTRY, "type = itrans, mask { type = spatial-halves }", SHAPE, 0, 1).get());
    assertTrue(e.getMessage().contains("spatial-halves"), e.getMessage());
    assertTrue(e.getMessage().contains(MaskProperty.SAME_PATTERN_IN_EVERY_PATCH.description()), e.getMessage());
    assertTrue(e.getMessage().contains("layer.mask"), e.getMessage());

    ConfigError grid = assertThrows(ConfigError.class,
        () -> Layers.factory(REGISTRY, "type = itrans, mask { type = checkerboard, grid = 2 }", SHAPE, 0, 1).get());
    assertTrue(grid.getMessage().contains("checkerboard"), grid.getMessage());
  }

  @Test
  void refusesAPatchThatDoesNotDivideTheInput() {
    ConfigError e = assertThrows(ConfigError.class,
        () -> Layers.factory(REGISTRY, "type = itrans, patch = 3", SHAPE, 0, 1).get());
    assertTrue(e.getMessage().contains("layer.patch") && e.getMessage().contains("patch size 3"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "type = itrans, lambda = 0.5                     | layer.lambda",
      "type = itrans, learn-lambda = true              | layer.lambda",
      "type = itrans, gate = true, lambda = 2.0        | layer.gate",
      "type = itrans, gate = true, learn-lambda = true | layer.gate"})
  void refusesAnIdentityTermThatIsNotDiagonallyDominantOrContradictory(String config, String key) {
    ConfigError e = assertThrows(ConfigError.class, () -> Layers.factory(REGISTRY, config, SHAPE, 0, 1).get());
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }
}
