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
import org.attnflow.api.FlowBlock;
import org.attnflow.api.Init;

/**
 * A causal Transformer over up to {@code positions} tokens of d features: a linear embedding to
 * the width plus a learned positional embedding (N(0, 0.01²)), pre-norm {@link TransformerLayer}s
 * whose token t attends to tokens 0..t only, and a zero-initialised linear head to {@code out}
 * features. Output t is therefore a function of tokens 0..t alone, and the whole network starts
 * with a zero output. {@link #decoder} computes the same outputs one token at a time, with each
 * layer's keys and values cached.
 */
final class CausalTransformer extends FlowBlock {
  private static final double POSITION_STD = 0.01;

  /** Shapes and widths of the network. */
  record Options(int width, int depth, int heads, int mlpRatio) {}

  private final Options options;
  private final int positions;
  private final Dense embedding;
  private final Parameter position;
  private final Parameter causalMask;
  private final List<TransformerLayer> layers = new ArrayList<>();
  private final Dense head;

  /** The network from {@code features} to {@code out} features per token over up to {@code positions} tokens. */
  CausalTransformer(int features, int out, int positions, Options options, Random random) {
    this.options = options;
    this.positions = positions;
    embedding = child("embedding", Dense.hidden(features, options.width(), random.nextLong()));
    position = parameter("position", new Shape(positions, options.width()), Init.normal(random.nextLong(), POSITION_STD));
    causalMask = state("causal", new Shape(positions, positions), Init.values(size -> CausalMask.of(positions)));
    for (int i = 0; i < options.depth(); i++) {
      layers.add(child("layer" + i, new TransformerLayer(options.width(), options.heads(), options.mlpRatio(), random)));
    }
    head = child("head", Dense.zero(options.width(), out));
  }

  /** The outputs (B, T, out) for the first T ≤ positions tokens (B, T, d). */
  NDArray apply(NDArray tokens) {
    long t = tokens.getShape().get(1);
    NDArray h = embedding.apply(tokens).add(position.getArray().get(new NDIndex(":{}", t)));
    NDArray mask = causalMask.getArray().get(new NDIndex(":{}, :{}", t, t));
    for (TransformerLayer layer : layers) {
      h = layer.apply(h, mask);
    }
    return head.apply(h);
  }

  /** A decoder that takes tokens 0, 1, 2, … one at a time. */
  Decoder decoder() {
    return new Decoder();
  }

  /** Values per sample kept by a pass over the first T tokens. */
  long activationsPerSample(long tokens) {
    return layers.stream().mapToLong(layer -> layer.activationsPerSample(tokens)).sum() + 2L * tokens * options.width();
  }

  /** Runs the network one token at a time; each call costs one token's pass through every layer. */
  final class Decoder {
    private final List<KeyValueCache> caches = new ArrayList<>();
    private int next;

    private Decoder() {
      layers.forEach(layer -> caches.add(new KeyValueCache()));
    }

    /** The output (B, 1, out) for the next token (B, 1, d): what {@link #apply} gives at its place. */
    NDArray next(NDArray token) {
      if (next >= positions) {
        throw new IllegalStateException("the decoder has taken all " + positions + " tokens");
      }
      NDArray h = embedding.apply(token).add(position.getArray().get(new NDIndex("{}:{}", next, next + 1)));
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

  /** {@link #apply} of the input tokens. */
  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(inputShapes);
  }
}
