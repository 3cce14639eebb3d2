package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Init;
import org.attnflow.api.UnaryBlock;
import org.attnflow.api.config.Settings;
import org.attnflow.api.spi.BuildContext;

/**
 * A learned class embedding: a K×E table whose row k is the embedding e_k of class k. It turns a
 * pass's condition into a spatial map (B, E, H, W), constant over the positions, that a block
 * concatenates to the input of a network (a coupling's network, iMap's and iTrans's scores), so
 * that the class enters only the networks that parametrise a map and never the map's variable.
 * The table starts N(0, 1) from the layer's seed, so different classes give different inputs
 * from the first step.
 */
public final class ClassEmbedding extends UnaryBlock {
  /** The keys of a block that can take the class, appended to its provider's defaults. */
  public static final String DEFAULTS = """
      # in a class-conditional model (model.classes > 0), give the networks a learned class embedding as extra input channels
      conditioned = true
      # channels E of the class embedding (a learned table of one E-vector per class)
      class-channels = 8
      """;
  private final Parameter table;
  private final int channels;

  /** A table for {@code classes} classes of {@code channels} channels, drawn N(0, 1) from {@code seed}. */
  public ClassEmbedding(int classes, int channels, long seed) {
    this.channels = channels;
    table = parameter("table", new Shape(classes, channels), Init.normal(seed, 1.0));
  }

  /**
   * The embedding that a block configured by {@code context} (with {@link #DEFAULTS}) gives its
   * networks, or null when the model is unconditional or the block's {@code conditioned} is false.
   * It draws its seed from the context's random source only when it is built, so an
   * unconditional block draws what it always did.
   */
  public static ClassEmbedding configured(BuildContext context) {
    Settings settings = context.settings();
    int width = settings.integerAtLeast("class-channels", 1);
    if (!context.conditional() || !settings.bool("conditioned")) {
      return null;
    }
    return new ClassEmbedding(context.classes(), width, context.random().nextLong());
  }

  /** The number E of channels it adds; 0 for {@code embedding} null (no class). */
  public static int channelsOf(ClassEmbedding embedding) {
    return embedding == null ? 0 : embedding.channels;
  }

  /** The embeddings (B, E) of a one-hot batch (B, K). */
  @Override
  public NDArray apply(NDArray oneHot) {
    return oneHot.matMul(table.getArray());
  }

  /**
   * {@code x} (B, C, H, W) with the embedding of each sample's class in {@code pass} appended as
   * E channels constant over the positions: (B, C + E, H, W), in {@code x}'s type.
   */
  public NDArray appendTo(NDArray x, FlowPass pass) {
    Condition condition = pass.requireCondition(path());
    Shape s = x.getShape();
    NDArray e = apply(condition.oneHot(x.getDataType()));
    NDArray map = e.reshape(s.get(0), channels, 1, 1).broadcast(new Shape(s.get(0), channels, s.get(2), s.get(3)));
    return NDArrays.concat(new NDList(x, map), 1);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), channels)};
  }
}
