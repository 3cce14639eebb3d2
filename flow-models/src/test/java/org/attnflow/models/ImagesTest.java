package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImagesTest {

  /** The rule as written: the floor, then the clamp, NaN to 0. */
  private static int byDefinition(float value) {
    double q = Math.floor((value + 0.5) * 256);
    return (int) Math.max(0, Math.min(255, Double.isNaN(q) ? 0 : q));
  }

  @Test
  void pixelsFollowTheFloorAndTheClampAtEveryBoundary() {
    for (int k = -300; k <= 300; k++) {
      float edge = (float) (k / 256.0 - 0.5);
      for (float v : new float[] {edge, Math.nextDown(edge), Math.nextUp(edge)}) {
        assertEquals(byDefinition(v), Images.pixel(v), "value " + v);
      }
    }
  }

  @Test
  void pixelsOfSpecialAndRandomValues() {
    float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -0.5f, 0.5f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1e30f, -1e30f};
    for (float v : special) {
      assertEquals(byDefinition(v), Images.pixel(v), "value " + v);
    }
    assertEquals(0, Images.pixel(Float.NaN));
    assertEquals(255, Images.pixel(Float.POSITIVE_INFINITY));
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      float v = (float) (random.nextDouble() * 1.4 - 0.7);
      assertEquals(byDefinition(v), Images.pixel(v), "value " + v);
    }
  }
}
