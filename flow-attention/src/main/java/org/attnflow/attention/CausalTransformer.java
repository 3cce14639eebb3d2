package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowBlock;
import org.attnflow.api.Init;

/**
 * A causal Transformer over up to {@code positions} tokens of d features: a linear embedding to
 * the width plus a learned positional embedding (N(0, 0.01²)), pre-norm {@link TransformerLayer}s
 * whose token t attends to tokens 0..t only, and a zero-initialised linear head to {@code out}
 * features. Output t is therefore a function of tokens 0..t alone, and the whole network starts
 * with a zero output. {@link #decoder} computes the same outputs one token at a time, with each
 * layer's keys and values cached.
 *
 * <p>Built for K &gt; 0 classes, it adds a learned class embedding ŷ·E (E ∈ ℝ^{K×width},
 * N(0, 0.01²)) to every token's input, as TarFlow does, so that every output depends on the class
 * of its sample; "no class" ({@link Condition#NO_CLASS}) adds the mean row of E.
 */
final class CausalTransformer extends FlowBlock {
  private static final double POSITION_STD = 0.01;
  private static final double CLASS_STD = 0.01;

  /** Shapes and widths of the network. */
  record Options(int width, int depth, int heads, int mlpRatio) {}

  private final Options options;
  private final int positions;
  private final Dense embedding;
  private final Parameter position;
  private final Parameter classEmbedding;
  private final Parameter causalMask;
  private final List<TransformerLayer> layers = new ArrayList<>();
  private final Dense head;

  /**
   * The network from {@code features} to {@code out} features per token over up to
   * {@code positions} tokens, taking the class of {@code classes} classes (0: none).
   */
  CausalTransformer(int features, int out, int positions, int classes, Options options, Random random) {
    this.options = options;
    this.positions = positions;
    embedding = child("embedding", Dense.hidden(features, options.width(), random.nextLong()));
    position = parameter("position", new Shape(positions, options.width()), Init.normal(random.nextLong(), POSITION_STD));
    classEmbedding = classes == 0 ? null
        : parameter("class", new Shape(classes, options.width()), Init.normal(random.nextLong(), CLASS_STD));
    causalMask = state("causal", new Shape(positions, positions), Init.values(size -> CausalMask.of(positions)));
    for (int i = 0; i < options.depth(); i++) {
      layers.add(child("layer" + i, new TransformerLayer(options.width(), options.heads(), options.mlpRatio(), random)));
    }
    head = child("head", Dense.zero(options.width(), out));
  }

  /** Whether the network takes a class. */
  boolean conditional() {
    return classEmbedding != null;
  }

  /**
   * The outputs (B, T, out) for the first T ≤ positions tokens (B, T, d) of samples of the classes
   * of {@code condition} (null, and ignored, when the network takes no class).
   */
  NDArray apply(NDArray tokens, Condition condition) {
    long t = tokens.getShape().get(1);
    NDArray h = withClass(embedding.apply(tokens).add(position.getArray().get(new NDIndex(":{}", t))), condition);
    NDArray mask = causalMask.getArray().get(new NDIndex(":{}, :{}", t, t));
    for (TransformerLayer layer : layers) {
      h = layer.apply(h, mask);
    }
    return head.apply(h);
  }

  /** A decoder that takes tokens 0, 1, 2, … one at a time, of samples of the classes of {@code condition} (as {@link #apply}). */
  Decoder decoder(Condition condition) {
    return new Decoder(condition);
  }

  /** {@code h} (B, T, width) plus each sample's class embedding, or {@code h} itself for a network without classes. */
  private NDArray withClass(NDArray h, Condition condition) {
    if (classEmbedding == null) {
      return h;
    }
    NDArray table = classEmbedding.getArray();
    return h.add(condition.oneHot(table.getDataType()).matMul(table).expandDims(1));
  }

  /** Values per sample kept by a pass over the first T tokens. */
  long activationsPerSample(long tokens) {
    return layers.stream().mapToLong(layer -> layer.activationsPerSample(tokens)).sum() + 2L * tokens * options.width();
  }

  /** Runs the network one token at a time; each call costs one token's pass through every layer. */
  final class Decoder {
    private final List<KeyValueCache> caches = new ArrayList<>();
    private final Condition condition;
    private int next;

    private Decoder(Condition condition) {
      this.condition = condition;
      layers.forEach(layer -> caches.add(new KeyValueCache()));
    }

    /** The output (B, 1, out) for the next token (B, 1, d): what {@link #apply} gives at its place. */
    NDArray next(NDArray token) {
      if (next >= positions) {
        throw new IllegalStateException("the decoder has taken all " + positions + " tokens");
      }
      NDArray h = withClass(embedding.apply(token).add(position.getArray().get(new NDIndex("{}:{}", next, next + 1))), condition);
      for (int i = 0; i < layers.size(); i++) {
        h = layers.get(i).step(h, caches.get(i));
      }
      next++;
      return head.apply(h);
    }

    /** The cached keys and values, for a caller that keeps them beyond a scope. */
    List<NDArray> arrays() {
      return caches.stream().flatMap(c -> c.arrays().stream()).toList();
    }
  }

  /** {@link #apply} of the input tokens, without a class. */
  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    if (conditional()) {
      throw new UnsupportedOperationException("a class-conditional network needs its samples' classes: call apply");
    }
    return new NDList(apply(inputs.singletonOrThrow(), null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(inputShapes);
  }
}
