package org.attnflow.models.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attnflow.api.config.ConfigError;
import org.attnflow.models.ModelsTestSupport;
import org.junit.jupiter.api.Test;

/** The learning rate of every step: warm-up, then constant, cosine or step decay, and the errors of bad values. */
class LearningRateScheduleTest {

  /** The schedule of a 10-step run at peak 1e-2 with 2 warm-up steps and the given schedule block. */
  private static LearningRateSchedule schedule(String block) {
    return ModelsTestSupport.run("train { steps = 10, learning-rate = 1e-2, warmup-steps = 2, schedule " + block + " }").train().schedule();
  }

  @Test
  void constantIsTheWarmUpThenThePeakAsBeforeSchedulesExisted() {
    LearningRateSchedule s = schedule("{ type = constant }");
    for (long step = 0; step < 10; step++) {
      double before = 1e-2 * Math.min(1.0, (step + 1) / 2.0);
      assertEquals(before, s.at(step), 0.0, "step " + step);
    }
  }

  @Test
  void cosineFallsFromThePeakAfterTheWarmUpToItsFinalFractionAtTheLastStep() {
    LearningRateSchedule s = schedule("{ type = cosine, final = 0.1 }");
    assertEquals(5e-3, s.at(0), 1e-15, "warm-up");
    assertEquals(1e-2, s.at(1), 1e-15, "the warm-up's last step is the peak");
    // step t after the warm-up: progress (t + 1 − 2) / (10 − 2)
    for (long step = 2; step < 10; step++) {
      double progress = (step - 1) / 8.0;
      assertEquals(1e-2 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))), s.at(step), 1e-15, "step " + step);
    }
    assertEquals(1e-3, s.at(9), 1e-15, "the last step runs at final × peak");
    assertEquals(0.0, schedule("{ type = cosine }").at(9), 1e-18, "final defaults to 0");
  }

  @Test
  void stepDecayMultipliesByItsFactorEveryNStepsAfterTheWarmUp() {
    LearningRateSchedule s = schedule("{ type = step, every = 3 }");
    double[] expected = {5e-3, 1e-2, 1e-2, 1e-2, 1e-2, 5e-3, 5e-3, 5e-3, 2.5e-3, 2.5e-3};
    for (int step = 0; step < 10; step++) {
      assertEquals(expected[step], s.at(step), 1e-15, "step " + step);
    }
    assertEquals(1e-3, schedule("{ type = step, every = 7, factor = 0.1 }").at(9), 1e-15);
  }

  @Test
  void badValuesAreErrorsAtTheirKey() {
    assertError("{ type = linear }", "train.schedule.type", "expected one of constant, cosine, step, found \"linear\"");
    assertError("{ type = cosine, final = 1.5 }", "train.schedule.final", "expected a fraction of the peak in [0, 1], found 1.5");
    assertError("{ type = step, every = 0 }", "train.schedule.every", "expected an integer ≥ 1, found 0");
    assertError("{ type = step, every = 5, factor = 0 }", "train.schedule.factor", "expected a factor in (0, 1], found 0.0");
    assertError("{ type = constant, final = 0.1 }", "train.schedule.final", "unknown key for train.schedule of type constant");
  }

  private static void assertError(String block, String key, String message) {
    ConfigError e = assertThrows(ConfigError.class, () -> schedule(block));
    assertTrue(e.getMessage().contains(key) && e.getMessage().contains(message), e.getMessage());
  }
}
