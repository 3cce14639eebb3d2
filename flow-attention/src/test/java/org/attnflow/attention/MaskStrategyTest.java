package org.attnflow.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.attnflow.api.ImageShape;
import org.attnflow.api.MaskProperty;
import org.attnflow.api.MaskStrategy;
import org.junit.jupiter.api.Test;

/** Mask patterns are what their names say, and every property a strategy declares really holds. */
class MaskStrategyTest {
  private static final List<MaskStrategy> STRATEGIES = List.of(
      new CheckerboardMask(1), new CheckerboardMask(2), new CheckerboardMask(3),
      new ChannelHalvesMask(), new SpatialHalvesMask());

  @Test
  void everyDeclaredGuaranteeHoldsOnThePatternAndItsComplement() {
    int declared = 0;
    for (MaskStrategy original : STRATEGIES) {
      for (MaskStrategy mask : List.of(original, original.complement())) {
        for (int c = 1; c <= 4; c++) {
          for (int h = 1; h <= 8; h++) {
            for (int w = 1; w <= 8; w++) {
              ImageShape shape = new ImageShape(c, h, w);
              float[] m = mask.pattern(shape);
              assertEquals(shape.size(), m.length, mask.type() + " on " + shape);
              for (float v : m) {
                assertTrue(v == 0f || v == 1f, mask.type() + " has a value other than 0 and 1 on " + shape);
              }
              for (int patch = 1; patch <= 8; patch++) {
                for (MaskProperty property : MaskProperty.values()) {
                  if (mask.guarantees(property, shape, patch)) {
                    declared++;
                    assertTrue(holds(property, m, shape, patch),
                        mask.type() + " declares " + property + " on " + shape + " with P = " + patch + " but it does not hold");
                  }
                }
              }
            }
          }
        }
      }
    }
    assertTrue(declared > 1000, "only " + declared + " guarantees were declared: the check proves little");
  }

  @Test
  void declaresWhatTheLayersRelyOn() {
    ImageShape shape = new ImageShape(4, 4, 4);
    for (MaskProperty property : MaskProperty.values()) {
      assertTrue(new CheckerboardMask(1).guarantees(property, shape, 2), property.name());
      assertTrue(new ChannelHalvesMask().guarantees(property, shape, 2), property.name());
      assertFalse(new SpatialHalvesMask().guarantees(property, shape, 2), property.name());
    }
    assertFalse(new CheckerboardMask(2).guarantees(MaskProperty.SAME_PATTERN_IN_EVERY_PATCH, new ImageShape(2, 8, 8), 2));
    assertTrue(new CheckerboardMask(2).guarantees(MaskProperty.SAME_PATTERN_IN_EVERY_PATCH, new ImageShape(2, 8, 8), 4));
    assertFalse(new CheckerboardMask(1).guarantees(MaskProperty.HALF_CHANNELS_AT_EVERY_POSITION, new ImageShape(3, 4, 4), 2));
    assertFalse(new CheckerboardMask(1).guarantees(MaskProperty.SAME_PATTERN_IN_EVERY_PATCH, new ImageShape(4, 6, 6), 4));
  }

  @Test
  void theCheckerboardAlternatesOverChannelsRowsAndColumnsAndIsNotStripes() {
    ImageShape shape = new ImageShape(3, 6, 6);
    for (int grid = 1; grid <= 2; grid++) {
      float[] m = new CheckerboardMask(grid).pattern(shape);
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 6; i++) {
          for (int j = 0; j < 6; j++) {
            float v = at(m, shape, c, i, j);
            assertEquals((c + i / grid + j / grid) % 2 == 0 ? 1f : 0f, v);
            if (c + 1 < 3) {
              assertNotEquals(v, at(m, shape, c + 1, i, j), "channels do not alternate");
            }
            if (j + grid < 6) {
              assertNotEquals(v, at(m, shape, c, i, j + grid), "columns do not alternate: stripes");
            }
            if (i + grid < 6) {
              assertNotEquals(v, at(m, shape, c, i + grid, j), "rows do not alternate: stripes");
            }
            if (grid == 2) {
              assertEquals(v, at(m, shape, c, i ^ 1, j ^ 1), "a 2×2 square is not constant");
            }
          }
        }
      }
    }
  }

  @Test
  void theHalvesMaskTheFirstChannelsOrTheTopRows() {
    ImageShape shape = new ImageShape(4, 4, 2);
    float[] channels = new ChannelHalvesMask().pattern(shape);
    float[] rows = new SpatialHalvesMask().pattern(shape);
    for (int c = 0; c < 4; c++) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 2; j++) {
          assertEquals(c < 2 ? 1f : 0f, at(channels, shape, c, i, j));
          assertEquals(i < 2 ? 1f : 0f, at(rows, shape, c, i, j));
        }
      }
    }
  }

  @Test
  void theComplementFlipsEveryEntry() {
    ImageShape shape = new ImageShape(2, 4, 4);
    float[] m = new CheckerboardMask(1).pattern(shape);
    float[] flipped = new CheckerboardMask(1).complement().pattern(shape);
    float[] expected = new float[m.length];
    for (int k = 0; k < m.length; k++) {
      expected[k] = 1f - m[k];
    }
    assertArrayEquals(expected, flipped);
  }

  /** Whether {@code property} holds on the pattern, computed from the pattern alone. */
  private static boolean holds(MaskProperty property, float[] m, ImageShape shape, int patch) {
    return switch (property) {
      case HALF_CHANNELS_AT_EVERY_POSITION -> halfChannelsEverywhere(m, shape);
      case SAME_PATTERN_IN_EVERY_PATCH -> samePatternInEveryPatch(m, shape, patch);
    };
  }

  private static boolean halfChannelsEverywhere(float[] m, ImageShape shape) {
    for (int i = 0; i < shape.height(); i++) {
      for (int j = 0; j < shape.width(); j++) {
        float masked = 0;
        for (int c = 0; c < shape.channels(); c++) {
          masked += at(m, shape, c, i, j);
        }
        if (2 * masked != shape.channels()) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean samePatternInEveryPatch(float[] m, ImageShape shape, int patch) {
    if (shape.height() % patch != 0 || shape.width() % patch != 0) {
      return false;
    }
    for (int c = 0; c < shape.channels(); c++) {
      for (int i = 0; i < shape.height(); i++) {
        for (int j = 0; j < shape.width(); j++) {
          if (at(m, shape, c, i, j) != at(m, shape, c, i % patch, j % patch)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static float at(float[] m, ImageShape shape, int c, int i, int j) {
    return m[(c * shape.height() + i) * shape.width() + j];
  }
}
