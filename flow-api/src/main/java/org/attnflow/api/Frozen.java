package org.attnflow.api;

/**
 * The handle of a frozen block ({@link FlowBlock#freeze()}): while it is open, the values that
 * the block and its children derive from their parameters alone are computed once and reused;
 * closing it frees them. A handle taken while the block was already frozen does nothing, so
 * freezing nests.
 */
public final class Frozen implements AutoCloseable {
  private final FlowBlock root;

  /** A handle that thaws {@code root} when closed, or does nothing when {@code root} is null. */
  Frozen(FlowBlock root) {
    this.root = root;
  }

  /** Thaws the block that this handle froze and frees its derived values. */
  @Override
  public void close() {
    if (root != null) {
      root.thaw();
    }
  }
}
