package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.registry.Registry;
import org.attnflow.testkit.Layers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Free parameter counts per layer, and their sum over glow32's three levels of 8 steps (docs/benchmarks.md). */
class ParameterCountTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final long GLOW32 = 298_880;
  private static final ImageShape[] LEVELS = {new ImageShape(4, 16, 16), new ImageShape(8, 8, 8), new ImageShape(16, 4, 4)};
  private static final int STEPS_PER_LEVEL = 8;

  @ParameterizedTest
  @CsvSource({"4, 16", "8, 8", "16, 4"})
  void perLayer(int c, int side) {
    ImageShape shape = new ImageShape(c, side, side);
    int n = side * side;
    assertEquals(c * c + c + c, count("type = imap", shape));
    assertEquals(n * n + n + c, count("type = imap, mixing = spatial", shape));
    assertEquals(2 * (c * c + c), count("type = itrans", shape));
    assertEquals(2 * (c * c + c), count("type = itrans, causal = true", shape));
    assertEquals(2 * (c * c + c) + 1, count("type = itrans, gate = true", shape));
    assertEquals(2 * (c * c + c) + 1, count("type = itrans, learn-lambda = true, lambda = 1.5", shape));
  }

  @Test
  void theBenchmarkModelsHaveTheirDocumentedCounts() {
    assertEquals(302_016, GLOW32 + overLevels("type = imap"));
    assertEquals(304_704, GLOW32 + overLevels("type = itrans"));
    assertEquals(304_728, GLOW32 + overLevels("type = itrans, gate = true"));
  }

  private static long overLevels(String config) {
    long total = 0;
    for (ImageShape level : LEVELS) {
      for (int step = 0; step < STEPS_PER_LEVEL; step++) {
        total += count(config, level, step);
      }
    }
    return total;
  }

  private static long count(String config, ImageShape shape) {
    return count(config, shape, 0);
  }

  private static long count(String config, ImageShape shape, int step) {
    FlowLayer layer = Layers.factory(REGISTRY, config, shape, step, 0).get();
    return layer.freeParameterCount();
  }
}
