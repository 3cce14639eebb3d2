package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.Random;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.ShapeException;
import org.attnflow.api.math.FlowMath;

/**
 * A coupling layer: the first channel half x₁ passes unchanged and conditions, through a network,
 * an element-wise invertible transform of the second half x₂. The network is evaluated once per
 * forward or inverse and its output h gives both the transformed values and the log-det, so they
 * belong to one map even when the network drops activations out in a training pass. In a
 * class-conditional model the network also sees the class, as the channels of a {@link
 * ClassEmbedding} appended to x₁: the transform of x₂ is still element-wise given x₁ and the class,
 * so the log-det keeps its form.
 */
abstract class CouplingLayer extends FlowLayer {
  private final long kept;
  private final ConditioningNetwork network;
  private final ClassEmbedding classEmbedding;

  /**
   * Creates the layer; {@code network} builds the network, {@code hidden} wide, that maps x₁ (and
   * the class embedding, when {@code classEmbedding} is not null) to {@code outputsPerChannel}
   * values per channel of x₂, drawing its parameters from {@code random}.
   */
  CouplingLayer(ImageShape shape, ConditioningNetwork.Factory network, int hidden, int outputsPerChannel,
      ClassEmbedding classEmbedding, Random random) {
    super(shape);
    int c = shape.channels();
    if (c < 2) {
      throw new ShapeException("a coupling layer needs at least 2 channels, found " + shape);
    }
    kept = c / 2;
    this.classEmbedding = classEmbedding == null ? null : child("class-embedding", classEmbedding);
    ImageShape conditioning = new ImageShape(c / 2 + ClassEmbedding.channelsOf(classEmbedding), shape.height(), shape.width());
    this.network = child("net", network.create(conditioning, hidden, (c - c / 2) * outputsPerChannel, random));
  }

  /** The forward transform of x₂ given the network output h. */
  abstract FlowOutput coupleForward(NDArray x2, NDArray h);

  /** The inverse transform of y₂ given the network output h; the log-det only when {@code pass} needs it. */
  abstract FlowOutput coupleInverse(NDArray y2, NDArray h, FlowPass pass);

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    NDList halves = FlowMath.splitChannels(x, kept);
    NDArray x1 = halves.get(0);
    FlowOutput out = coupleForward(halves.get(1), network.apply(networkInput(x1, pass), pass));
    return new FlowOutput(NDArrays.concat(new NDList(x1, out.value()), 1), out.logDet());
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    NDList halves = FlowMath.splitChannels(y, kept);
    NDArray y1 = halves.get(0);
    FlowOutput out = coupleInverse(halves.get(1), network.apply(networkInput(y1, pass), pass), pass);
    return new FlowOutput(NDArrays.concat(new NDList(y1, out.value()), 1), out.logDet());
  }

  /** What the network sees: the unchanged half, with the class embedding appended in a conditional layer. */
  private NDArray networkInput(NDArray kept, FlowPass pass) {
    return classEmbedding == null ? kept : classEmbedding.appendTo(kept, pass);
  }
}
