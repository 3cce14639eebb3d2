package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Random;
import org.attnflow.api.FlowBlock;
import org.attnflow.api.math.FlowMath;
import org.attnflow.layers.ChannelNorm;

/**
 * One pre-norm Transformer layer over tokens (B, T, width): h + attention(norm(h)), then
 * h + MLP(norm(h)) with the MLP width → ratio·width → width around a GELU. The attention has
 * {@code heads} heads of width/heads features each, scores q·kᵀ/√depth, and is causal when given
 * the additive mask of {@link #apply}; {@link #step} runs one new token against the keys and
 * values cached for the earlier ones, which is the same computation for that token.
 */
final class TransformerLayer extends FlowBlock {
  private final int heads;
  private final int depth;
  private final int mlpWidth;
  private final double scoreScale;
  private final ChannelNorm attentionNorm;
  private final Dense queryKeyValue;
  private final Dense attentionOut;
  private final ChannelNorm mlpNorm;
  private final Dense mlpIn;
  private final Dense mlpOut;

  /** A layer of {@code width} features, {@code heads} heads (dividing the width) and MLP ratio {@code mlpRatio}. */
  TransformerLayer(int width, int heads, int mlpRatio, Random random) {
    this.heads = heads;
    this.depth = width / heads;
    this.scoreScale = 1 / Math.sqrt(depth);
    this.mlpWidth = mlpRatio * width;
    attentionNorm = child("attention-norm", new ChannelNorm(width));
    queryKeyValue = child("qkv", Dense.hidden(width, 3 * width, random.nextLong()));
    attentionOut = child("attention-out", Dense.hidden(width, width, random.nextLong()));
    mlpNorm = child("mlp-norm", new ChannelNorm(width));
    mlpIn = child("mlp-in", Dense.hidden(width, mlpRatio * width, random.nextLong()));
    mlpOut = child("mlp-out", Dense.hidden(mlpRatio * width, width, random.nextLong()));
  }

  /** The layer over all T tokens of {@code h}, with {@code mask} (T, T) added to the scores. */
  NDArray apply(NDArray h, NDArray mask) {
    NDList qkv = split(queryKeyValue.apply(attentionNorm.apply(h)));
    NDArray scores = FlowMath.scale(qkv.get(0).matMul(qkv.get(1).transpose(0, 1, 3, 2)), scoreScale).add(mask);
    return mlp(h.add(attentionOut.apply(merge(scores.softmax(-1).matMul(qkv.get(2))))));
  }

  /** The layer for one new token {@code h} (B, 1, width) that attends to itself and the tokens of {@code cache}, which it joins. */
  NDArray step(NDArray h, KeyValueCache cache) {
    NDList qkv = split(queryKeyValue.apply(attentionNorm.apply(h)));
    NDArray keys = cache.appendKeys(qkv.get(1));
    NDArray values = cache.appendValues(qkv.get(2));
    NDArray scores = FlowMath.scale(qkv.get(0).matMul(keys.transpose(0, 1, 3, 2)), scoreScale);
    return mlp(h.add(attentionOut.apply(merge(scores.softmax(-1).matMul(values)))));
  }

  /** Values per sample kept by a pass over T tokens: scores and weights, and the activations of the projections and the MLP. */
  long activationsPerSample(long tokens) {
    return 2L * heads * tokens * tokens + tokens * (8L * heads * depth + 2L * mlpWidth);
  }

  private NDArray mlp(NDArray h) {
    return h.add(mlpOut.apply(Activation.gelu(mlpIn.apply(mlpNorm.apply(h)))));
  }

  /** (B, T, 3·width) → queries, keys and values, each (B, heads, T, depth). */
  private NDList split(NDArray qkv) {
    Shape s = qkv.getShape();
    return qkv.reshape(s.get(0), s.get(1), 3, heads, depth).transpose(2, 0, 3, 1, 4).split(3, 0)
        .stream().map(a -> a.squeeze(0)).collect(NDList::new, NDList::add, NDList::addAll);
  }

  /** (B, heads, T, depth) → (B, T, width). */
  private NDArray merge(NDArray perHead) {
    Shape s = perHead.getShape();
    return perHead.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), heads * depth);
  }

  /** {@link #apply} of the inputs (h, mask). */
  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.get(0), inputs.get(1)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
