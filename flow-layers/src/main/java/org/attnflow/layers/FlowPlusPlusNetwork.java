package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.Noise;
import org.attnflow.api.ShapeException;

/**
 * The coupling network of Flow++ (Ho et al., 2019; docs/maths.md): a weight-normalised 3×3
 * convolution (in → hidden), {@code blocks} residual blocks, and a zero-initialised 3×3
 * convolution (hidden → out), so that the coupling starts where its transform has a zero
 * parameter vector. Each block is a gated convolution (concat-ELU, 3×3 convolution, concat-ELU,
 * dropout, 1×1 convolution to twice the width, a·σ(b)) added to its input and layer-normalised
 * over the channels, then a gated multi-head self-attention (a learned positional embedding
 * added, one 1×1 projection to queries, keys and values, softmax(q·kᵀ/√d)·v per head, dropout,
 * 1×1 convolution to twice the width, a·σ(b)) added and layer-normalised the same way. Hidden
 * convolutions are weight-normalised; the gates' start at a tenth of the others' scale. Between
 * the first and the last convolution the activations are kept channels-last (B, H, W, hidden), so
 * that the 1×1 convolutions and the layer norms are one engine call each.
 *
 * <p>Dropout acts only in a training pass, with masks drawn from its {@link
 * FlowPass#dropoutNoise()}; every other pass computes the deterministic network.
 */
public final class FlowPlusPlusNetwork extends ConditioningNetwork {
  private static final double GATE_SCALE = 0.1;
  private static final double POSITION_STD = 0.01;
  private final Options options;
  private final int hidden;
  private final long positions;
  private final WeightNormConv first;
  private final Parameter position;
  private final Parameter attentionScale;
  private final List<Block> blocks = new ArrayList<>();
  private final Conv last;

  /**
   * The settings of the network.
   *
   * @param blocks the number of residual blocks, at least 1
   * @param heads the number of attention heads; they must divide the width
   * @param dropout the dropout rate of training passes, in [0, 1)
   */
  public record Options(int blocks, int heads, double dropout) {}

  /** The convolutions and norms of one residual block. */
  private record Block(WeightNormConv conv, WeightNormConv convGate, ChannelNorm convNorm,
      WeightNormConv attention, WeightNormConv attentionGate, ChannelNorm attentionNorm) {}

  /** Creates the network from {@code input}'s channels to {@code out}, {@code hidden} wide, its weights drawn from {@code random}. */
  public FlowPlusPlusNetwork(ImageShape input, int hidden, int out, Options options, Random random) {
    if (options.blocks() < 1 || options.heads() < 1 || hidden % options.heads() != 0) {
      throw new ShapeException("Flow++ network: " + options.heads() + " heads must divide the width " + hidden
          + " and blocks (" + options.blocks() + ") be at least 1");
    }
    this.options = options;
    this.hidden = hidden;
    this.positions = input.positions();
    first = child("in", new WeightNormConv(input.channels(), hidden, 3, random.nextLong(), 1.0));
    position = parameter("position", new Shape(1, input.height(), input.width(), hidden), Init.normal(random.nextLong(), POSITION_STD));
    // 1/√d kept as state, so that no call allocates it
    attentionScale = state("attention scale", new Shape(1), Init.constant((float) (1 / Math.sqrt(hidden / options.heads()))));
    for (int i = 0; i < options.blocks(); i++) {
      String name = "block" + i + ".";
      blocks.add(new Block(
          child(name + "conv", new WeightNormConv(2 * hidden, hidden, 3, random.nextLong(), 1.0)),
          child(name + "conv-gate", new WeightNormConv(2 * hidden, 2 * hidden, 1, random.nextLong(), GATE_SCALE)),
          child(name + "conv-norm", new ChannelNorm(hidden)),
          child(name + "qkv", new WeightNormConv(hidden, 3 * hidden, 1, random.nextLong(), 1.0)),
          child(name + "attention-gate", new WeightNormConv(hidden, 2 * hidden, 1, random.nextLong(), GATE_SCALE)),
          child(name + "attention-norm", new ChannelNorm(hidden))));
    }
    last = child("out", Conv.zero(hidden, out, 3));
  }

  @Override
  public NDArray apply(NDArray x, FlowPass pass) {
    Optional<Noise> dropout = options.dropout() > 0 ? pass.dropoutNoise() : Optional.empty();
    NDArray h = first.apply(x).transpose(0, 2, 3, 1);
    for (Block block : blocks) {
      NDArray c = block.conv().apply(concatElu(h).transpose(0, 3, 1, 2)).transpose(0, 2, 3, 1);
      c = dropped(concatElu(c), dropout);
      h = block.convNorm().apply(h.add(gate(block.convGate().applyChannelsLast(c))));
      NDArray a = dropped(attention(block.attention().applyChannelsLast(h.add(position.getArray()))), dropout);
      h = block.attentionNorm().apply(h.add(gate(block.attentionGate().applyChannelsLast(a))));
    }
    return last.apply(h.transpose(0, 3, 1, 2));
  }

  /**
   * Multi-head self-attention over the H·W positions of projected queries, keys and values
   * (B, H, W, 3·hidden), giving (B, H, W, hidden).
   */
  private NDArray attention(NDArray qkv) {
    Shape s = qkv.getShape();
    long batch = s.get(0);
    long positions = s.get(1) * s.get(2);
    int heads = options.heads();
    long depth = hidden / heads;
    // (3, B, heads, H·W, depth): queries, keys and values, each split into heads
    NDList parts = qkv.reshape(batch, positions, 3, heads, depth).transpose(2, 0, 3, 1, 4).split(3, 0);
    // the queries are scaled, not the (H·W)² scores: a sixth of sampling marflow-mlc32 went to that product
    NDArray scores = parts.get(0).mul(attentionScale.getArray()).matMul(parts.get(1).transpose(0, 1, 2, 4, 3));
    NDArray mixed = scores.softmax(-1).matMul(parts.get(2));
    return mixed.transpose(0, 1, 3, 2, 4).reshape(batch, s.get(1), s.get(2), hidden);
  }

  /** ELU of the concatenation (x, −x) along the channels-last axis: twice the channels. */
  private static NDArray concatElu(NDArray x) {
    return Activation.elu(NDArrays.concat(new NDList(x, x.neg()), 3), 1f);
  }

  /** The gated linear unit a·σ(b) of the channel halves (a, b) of a channels-last array. */
  private static NDArray gate(NDArray x) {
    NDList halves = x.split(2, 3);
    return halves.get(0).mul(Activation.sigmoid(halves.get(1)));
  }

  /** {@code x} with inverted dropout at the network's rate when {@code noise} is present. */
  private NDArray dropped(NDArray x, Optional<Noise> noise) {
    return noise.map(n -> x.mul(n.dropoutMask(x.getManager(), x.getShape(), options.dropout()))).orElse(x);
  }

  /** Its children's, plus each block's attention scores and weights: 2·heads·(H·W)² values. */
  @Override
  public long extraActivationsPerSample() {
    return super.extraActivationsPerSample() + 2L * blocks.size() * options.heads() * positions * positions;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return last.getOutputShapes(first.getOutputShapes(inputShapes));
  }
}
