package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** Bits/dim against values worked out by hand. */
class BitsPerDimTest {

  @Test
  void aUnitDensityOnTheRescaledCubeIsEightBitsPerDimension() {
    // p(x̃) = 1 on [−0.5, 0.5)^D is the uniform density over 256^D pixel values: exactly 8 bits each
    assertEquals(8.0, BitsPerDim.of(0.0, 784), 1e-12);
    assertEquals(8.0, BitsPerDim.of(0.0, 1), 1e-12);
  }

  @Test
  void aKnownLogDensity() {
    // D = 3072, log p(x̃) = 2000 nats: bpd = (3072·ln 256 − 2000) / (3072·ln 2) = 8 − 2000 / 2129.328 = 7.0607454
    double expected = 8 - 2000 / (3072 * 0.6931471805599453);
    assertEquals(7.0607454, expected, 1e-6, "hand value");
    assertEquals(expected, BitsPerDim.of(2000, 3072), 1e-12);
  }

  @Test
  void theArrayFormAgreesWithTheScalarForm() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] bpd = BitsPerDim.of(m.create(new float[] {0f, 2000f, -500f}), 3072).toFloatArray();
      assertEquals(8.0, bpd[0], 1e-5);
      assertEquals(BitsPerDim.of(2000, 3072), bpd[1], 1e-5);
      assertEquals(BitsPerDim.of(-500, 3072), bpd[2], 1e-5);
    }
  }
}
