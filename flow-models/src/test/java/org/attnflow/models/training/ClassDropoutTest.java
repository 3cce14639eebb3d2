package org.attnflow.models.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.attnflow.api.Condition;
import org.junit.jupiter.api.Test;

/** Label dropout is a function of (seed, step, image), drops about its share, and nothing at 0. */
class ClassDropoutTest {
  private static final int[] LABELS = new int[10_000];

  static {
    Arrays.setAll(LABELS, i -> i % 7);
  }

  @Test
  void dropsAboutItsShareAndOnlyReplacesClassesByNoClass() {
    int[] dropped = new ClassDropout(0.1, 3).apply(LABELS, 5);
    long none = Arrays.stream(dropped).filter(c -> c == Condition.NO_CLASS).count();
    assertEquals(1000, none, 100, "10% of 10,000 labels, within 3.3 standard deviations");
    for (int i = 0; i < LABELS.length; i++) {
      assertEquals(dropped[i] == Condition.NO_CLASS ? Condition.NO_CLASS : LABELS[i], dropped[i]);
    }
  }

  @Test
  void theSameSeedAndStepDropTheSameImagesAndAnotherStepOthers() {
    ClassDropout dropout = new ClassDropout(0.1, 3);
    assertArrayEquals(dropout.apply(LABELS, 5), new ClassDropout(0.1, 3).apply(LABELS, 5));
    assertFalse(Arrays.equals(dropout.apply(LABELS, 5), dropout.apply(LABELS, 6)));
    assertFalse(Arrays.equals(dropout.apply(LABELS, 5), new ClassDropout(0.1, 4).apply(LABELS, 5)));
  }

  @Test
  void zeroKeepsEveryClass() {
    assertSame(LABELS, new ClassDropout(0, 3).apply(LABELS, 5));
  }
}
