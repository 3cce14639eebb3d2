package org.attnflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrozenTest {
  private NDManager manager;
  private Counting parent;
  private Counting child;

  /** A block that derives one value and counts how often it computes it. */
  private static final class Counting extends UnaryBlock {
    private final NDManager manager;
    int computed;

    Counting(NDManager manager) {
      this.manager = manager;
    }

    <B extends FlowBlock> B adopt(String name, B block) {
      return child(name, block);
    }

    NDArray value() {
      return derived("value", () -> {
        computed++;
        return manager.ones(new Shape(2));
      });
    }

    @Override
    public NDArray apply(NDArray x) {
      return x.mul(value());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return inputShapes;
    }
  }

  @BeforeEach
  void build() {
    manager = NDManager.newBaseManager();
    parent = new Counting(manager);
    child = parent.adopt("child", new Counting(manager));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void unfrozenBlocksComputeOnEveryCall() {
    parent.value();
    parent.value();
    assertEquals(2, parent.computed);
  }

  @Test
  void frozenBlocksAndTheirChildrenComputeOnce() {
    try (Frozen frozen = parent.freeze()) {
      assertTrue(child.isFrozen());
      assertSame(parent.value(), parent.value());
      child.value();
      child.value();
    }
    assertEquals(1, parent.computed);
    assertEquals(1, child.computed);
  }

  @Test
  void thawingFreesTheDerivedValuesAndComputesAfresh() {
    NDArray kept;
    try (Frozen frozen = parent.freeze()) {
      kept = child.value();
    }
    assertFalse(parent.isFrozen());
    assertFalse(child.isFrozen());
    assertTrue(kept.isReleased(), "a derived value outlived its freeze");
    try (Frozen frozen = parent.freeze()) {
      assertNotSame(kept, child.value());
    }
    assertEquals(2, child.computed);
  }

  @Test
  void anInnerFreezeLeavesTheOuterOneStanding() {
    try (Frozen outer = parent.freeze()) {
      NDArray first = child.value();
      try (Frozen inner = child.freeze()) {
        assertSame(first, child.value());
      }
      assertTrue(child.isFrozen());
      assertSame(first, child.value());
    }
    assertFalse(child.isFrozen());
    assertEquals(1, child.computed);
  }
}
