package org.attnflow.api;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * The common base of the framework's blocks (layers, priors, models): a DJL block with a
 * configuration path for messages, parameters created with known shapes, and a count of free
 * trainable scalars.
 */
public abstract class FlowBlock extends AbstractBlock {
  private String path = getClass().getSimpleName();

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

  /** Registers a trainable parameter with a known shape and initializer. */
  protected final Parameter parameter(String name, Shape shape, Initializer initializer) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.OTHER)
            .optShape(shape)
            .optInitializer(initializer)
            .build());
  }

  /** Registers a state array saved with the parameters but never trained (for example a flag). */
  protected final Parameter state(String name, Shape shape, Initializer initializer) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.OTHER)
            .optShape(shape)
            .optInitializer(initializer)
            .optRequiresGrad(false)
            .build());
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
