package org.attnflow.models.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.attnflow.api.config.ConfigError;
import org.attnflow.models.ModelsTestSupport;
import org.junit.jupiter.api.Test;

/** The training recipe's keys: their defaults and the errors of bad values at their key. */
class TrainSettingsTest {

  @Test
  void theRecipeIsOffByDefault() {
    TrainSettings t = ModelsTestSupport.run("").train();
    assertEquals(0.0, t.weightDecay());
    assertEquals(OptionalDouble.empty(), t.emaDecay());
    assertEquals(1, t.accumulate());
    assertEquals(new LearningRateSchedule.Constant(), t.schedule().decay());
  }

  @Test
  void theRecipeIsRead() {
    TrainSettings t = ModelsTestSupport.run("train { weight-decay = 1e-4, ema-decay = 0.999, accumulate = 4 }").train();
    assertEquals(1e-4, t.weightDecay());
    assertEquals(OptionalDouble.of(0.999), t.emaDecay());
    assertEquals(2, t.microBatchSize(), "batch-size 8 in 4 micro-batches");
  }

  @Test
  void badValuesAreErrorsAtTheirKey() {
    assertError("train.accumulate = 3", "train.accumulate",
        "expected a divisor of train.batch-size = 8 (micro-batches of equal size), found 3");
    assertError("train.accumulate = 0", "train.accumulate", "expected an integer ≥ 1, found 0");
    assertError("train.ema-decay = 1", "train.ema-decay", "expected a decay rate in (0, 1), such as 0.999, or null for no average, found 1.0");
    assertError("train.save-every = soon", "train.save-every", "expected a duration such as 15 minutes or 30s, found \"soon\"");
    assertError("train.save-every = -1s", "train.save-every", "expected a duration ≥ 0, found \"-1s\"");
    assertError("train.weight-decay = -1", "train.weight-decay", "expected a finite number ≥ 0, found -1.0");
  }

  private static void assertError(String setting, String key, String message) {
    ConfigError e = assertThrows(ConfigError.class, () -> ModelsTestSupport.run(setting));
    assertTrue(e.getMessage().contains(key + ": " + message), e.getMessage());
  }
}
