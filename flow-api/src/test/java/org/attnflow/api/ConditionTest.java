package org.attnflow.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConditionTest {
  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void oneHotHasAOneAtEachSamplesClass() {
    Condition c = Condition.ofClasses(manager, new int[] {2, 0, 1}, 3);
    assertEquals(new Shape(3, 3), c.oneHot().getShape());
    assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, c.oneHot().toFloatArray());
    assertEquals(DataType.FLOAT64, c.oneHot(DataType.FLOAT64).getDataType());
    assertEquals(3, c.batchSize());
    assertEquals(2, c.classOf(0));
  }

  @Test
  void oneClassForAWholeBatch() {
    Condition c = Condition.ofClass(manager, 1, 2, 4);
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1, 0, 0}, c.oneHot().toFloatArray());
  }

  @Test
  void refusesClassesOutsideTheRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Condition.ofClasses(manager, new int[] {0, 3}, 3));
    assertEquals("class 3 of sample 1 is outside 0..2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Condition.ofClasses(manager, new int[] {-2}, 3));
    assertThrows(IllegalArgumentException.class, () -> Condition.ofClasses(manager, new int[] {0}, 0));
  }

  @Test
  void noClassIsTheUniformRowSoThatEveryReadOutGivesTheMeanOverClasses() {
    Condition c = Condition.ofClasses(manager, new int[] {1, Condition.NO_CLASS}, 4);
    assertArrayEquals(new float[] {0, 1, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f}, c.oneHot().toFloatArray());
    assertEquals(Condition.NO_CLASS, c.classOf(1));
    Condition none = c.withoutClasses();
    assertEquals(2, none.batchSize());
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, none.oneHot().toFloatArray());
  }

  @Test
  void aGuidedPassMixesConditionalAndUnconditionalParametersAndKeepsItsGuidanceWhenInverted() {
    FlowPass pass = FlowPass.sampling(1, new Noise(1)).conditionedOn(Condition.ofClass(manager, 0, 2, 3)).guided(2);
    Guidance g = pass.guidance().orElseThrow();
    assertArrayEquals(new float[] {7, -2}, g.mix(manager.create(new float[] {3, 0}), manager.create(new float[] {1, 1})).toFloatArray());
    assertEquals(Condition.NO_CLASS, g.unconditioned().classOf(1));
    assertSame(g, pass.inverse().guidance().orElseThrow());
  }

  @Test
  void guidanceZeroLeavesThePassUnguidedAndAnUnconditionedPassCannotBeGuided() {
    FlowPass pass = FlowPass.sampling(1, new Noise(1)).conditionedOn(Condition.ofClass(manager, 0, 1, 3));
    assertTrue(pass.guided(0).guidance().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> pass.guided(-1));
    assertThrows(IllegalArgumentException.class, () -> pass.guided(Double.NaN));
    assertThrows(IllegalStateException.class, () -> FlowPass.sampling(1, new Noise(1)).guided(1));
  }

  @Test
  void theInversePassKeepsTheCondition() {
    Condition c = Condition.ofClass(manager, 0, 1, 2);
    FlowPass pass = FlowPass.encoding().conditionedOn(c);
    assertSame(c, pass.requireCondition("layer"));
    assertSame(c, pass.inverse().condition().orElseThrow());
    assertTrue(FlowPass.encoding().condition().isEmpty());
  }

  @Test
  void anUnconditionedPassNamesTheBlockThatNeedsAClass() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> FlowPass.encoding().requireCondition("model.prior"));
    assertEquals("model.prior is class-conditional, but this pass has no class", e.getMessage());
  }

  @Test
  void aPassIsConditionedBeforeItRuns() {
    FlowPass pass = FlowPass.encoding();
    pass.addLogProb(manager.zeros(new Shape(1)));
    assertThrows(IllegalStateException.class, () -> pass.conditionedOn(Condition.ofClass(manager, 0, 1, 2)));
  }
}
