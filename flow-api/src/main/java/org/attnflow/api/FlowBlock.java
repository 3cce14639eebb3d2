package org.attnflow.api;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The common base of the framework's blocks (layers, priors, models): a DJL block with a
 * configuration path for messages, parameters created with known shapes, a count of free
 * trainable scalars, and values derived from the parameters that a frozen block computes once.
 */
public abstract class FlowBlock extends AbstractBlock {
  private String path = getClass().getSimpleName();
  private boolean frozen;
  private final Map<String, NDArray> derivedValues = new HashMap<>();

  /** The configuration path of this block, used in every message about it. */
  public final String path() {
    return path;
  }

  /** Sets the configuration path (done once by the builder). */
  public final void setPath(String newPath) {
    this.path = newPath;
  }

  /**
   * The number of free trainable scalars: entries of trainable parameters, less those that the
   * block's structure holds fixed. Override when some stored entries are not free.
   */
  public long freeParameterCount() {
    long n = 0;
    for (Parameter p : getDirectParameters().values()) {
      if (p.requiresGradient()) {
        n += p.getShape().size();
      }
    }
    for (Block child : getChildren().values()) {
      if (child instanceof FlowBlock flowBlock) {
        n += flowBlock.freeParameterCount();
      }
    }
    return n;
  }

  /**
   * Values per sample that one pass through this block keeps besides what a memory estimate
   * derives from the shapes (its output, and one map per convolution kernel), such as attention
   * matrices: the sum over its children unless a block adds its own.
   */
  public long extraActivationsPerSample() {
    long n = 0;
    for (Block child : getChildren().values()) {
      if (child instanceof FlowBlock flowBlock) {
        n += flowBlock.extraActivationsPerSample();
      }
    }
    return n;
  }

  /** Registers a trainable parameter with a known shape and initializer. */
  protected final Parameter parameter(String name, Shape shape, Initializer initializer) {
    return addParameter(described(name, shape, initializer).build());
  }

  /** Registers a state array saved with the parameters but never trained (for example a flag). */
  protected final Parameter state(String name, Shape shape, Initializer initializer) {
    return addParameter(described(name, shape, initializer).optRequiresGrad(false).build());
  }

  private static Parameter.Builder described(String name, Shape shape, Initializer initializer) {
    return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(initializer);
  }

  /** Adds a child block under a name; its parameters are saved and counted with this block's. */
  protected final <B extends FlowBlock> B child(String name, B block) {
    return addChildBlock(name, block);
  }

  /**
   * Loads the parameter values as DJL does, then marks the trainable ones for gradients again:
   * DJL's loading replaces each array with one that does not require a gradient, which leaves a
   * restored model untrainable and, because PyTorch picks another matrix-product path for such
   * arrays, rounding differently from the model that was saved.
   */
  @Override
  public void loadParameters(NDManager manager, DataInputStream in) throws IOException, MalformedModelException {
    super.loadParameters(manager, in);
    for (Parameter p : getDirectParameters().values()) {
      if (p.requiresGradient()) {
        p.getArray().setRequiresGradient(true);
      }
    }
  }

  /**
   * Freezes this block and its children until the returned handle is closed: each value a block
   * derives from its parameters alone ({@link #derived}) is then computed once and reused, as an
   * invertible 1×1 convolution's inverse matrix is by every batch of a sampling run. Meanwhile the
   * parameters must not change, and no gradient reaches them through a derived value: sampling
   * and evaluation freeze, training never does.
   */
  public final Frozen freeze() {
    if (frozen) {
      return new Frozen(null);
    }
    setFrozen(true);
    return new Frozen(this);
  }

  /** True while this block is frozen. */
  public final boolean isFrozen() {
    return frozen;
  }

  /** Thaws this block and its children and frees their derived values. */
  final void thaw() {
    setFrozen(false);
  }

  private void setFrozen(boolean value) {
    frozen = value;
    derivedValues.values().forEach(NDArray::close);
    derivedValues.clear();
    for (Block child : getChildren().values()) {
      ((FlowBlock) child).setFrozen(value);
    }
  }

  /**
   * A value that {@code compute} derives from this block's parameters (and constants) alone, such
   * as exp(log-scale) or an inverse matrix. Unfrozen, it is computed on every call, so gradients
   * flow through it; frozen, a copy of the first result is kept under {@code name} until the
   * block thaws.
   */
  protected final NDArray derived(String name, Supplier<NDArray> compute) {
    if (!frozen) {
      return compute.get();
    }
    NDArray value = derivedValues.get(name);
    if (value == null) {
      // a copy, so that thawing never closes an array that compute returned as it was (a parameter)
      value = compute.get().duplicate();
      NDScope.unregister(value);
      derivedValues.put(name, value);
    }
    return value;
  }

  /** Children know their own shapes, so they are initialised with the shapes they were built for. */
  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Pair<String, Block> child : getChildren()) {
      Block block = child.getValue();
      block.initialize(manager, dataType, ((FlowBlock) block).declaredInputShapes(inputShapes));
    }
  }

  /** The input shapes this block was built for; the default repeats what its parent was given. */
  protected Shape[] declaredInputShapes(Shape[] parentShapes) {
    return parentShapes;
  }
}
