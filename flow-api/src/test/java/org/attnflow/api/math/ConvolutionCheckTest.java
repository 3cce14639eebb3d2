package org.attnflow.api.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The start-up check passes {@link FlowMath#conv} and names what is wrong in a faulty convolution. */
class ConvolutionCheckTest {
  @Test
  void theFrameworksConvolutionIsRightOnThisMachine() {
    assertEquals(Optional.empty(), ConvolutionCheck.run());
  }

  @Test
  void aWrongOutputIsFound() {
    Optional<String> wrong = ConvolutionCheck.run((x, w, b, d) -> FlowMath.conv(x, FlowMath.scale(w, 1.001), b, d));
    assertTrue(wrong.orElse("").contains("computes the output of a 3×3, 1 → 3 channels wrongly"), wrong::toString);
  }

  @Test
  void aWrongInputGradientIsFound() {
    Optional<String> wrong = ConvolutionCheck.run((x, w, b, d) -> FlowMath.conv(x.stopGradient(), w, b, d));
    assertTrue(wrong.orElse("").contains("computes the gradient of the input of a 3×3, 1 → 3 channels wrongly"),
        wrong::toString);
  }
}
