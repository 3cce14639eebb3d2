package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** An evaluation says which noise its bits/dim was measured under when that was not uniform dequantisation. */
class EvaluationTest {

  @Test
  void bitsPerDimUnderGaussianNoiseSaysSo() {
    assertEquals("3.1000 ± 0.0100 bits/dim (95% CI, 10,000 test images)",
        new Evaluation(3.1, 0.01, 10_000, 10_000, "uniform dequantisation", true).toString());
    assertEquals("1.2000 ± 0.0100 bits/dim (95% CI, 10,000 test images; under Gaussian noise σ = 0.05, "
            + "not comparable with bits/dim under uniform dequantisation)",
        new Evaluation(1.2, 0.01, 10_000, 10_000, "Gaussian noise σ = 0.05", false).toString());
  }
}
