package org.attnflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.attnflow.api.Frozen;
import org.junit.jupiter.api.Test;

/** The classes of a draw, and sampling a class-conditional model. */
class SamplerTest {

  @Test
  void classesAreAFunctionOfTheSampleIndex() {
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0}, SampleClasses.balanced(3).of(0, 7));
    assertArrayEquals(new int[] {1, 2, 0}, SampleClasses.balanced(3).of(4, 3), "a later batch continues the sequence");
    assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, SampleClasses.rows(3, 2).of(0, 6));
    assertArrayEquals(new int[] {2, 2, 2}, SampleClasses.only(2, 3).of(5, 3));
    assertEquals("class 3 is outside 0..2", assertThrows(IllegalArgumentException.class, () -> SampleClasses.only(3, 3)).getMessage());
  }

  @Test
  void aConditionalModelSamplesItsClassesAndRefusesADrawWithoutThem() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(ModelsTestSupport.REGISTRY).create(ModelsTestSupport.run("model.classes = 3").model(), manager);
      try (Frozen frozen = model.freeze()) {
        Images grid = new SampledImages(model, manager, SampleClasses.rows(3, 2), 0, 6, 0.7, 4, 0).all();
        Images balanced = Sampler.sample(model, manager, 5, 0.7, 0);

        assertEquals(6, grid.count());
        assertEquals(5, balanced.count());
        String message = assertThrows(IllegalArgumentException.class,
            () -> Sampler.sample(model, manager, SampleClasses.NONE, 0, 2, 0.7, 0, 0, SampleFinish.NONE)).getMessage();
        assertTrue(message.contains("a draw of 0 classes from a model of 3"), message);
      }
    }
  }
}
