package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;

/**
 * A fixed permutation of the channels (reverse, or a seeded random shuffle): y[c] = x[π(c)],
 * log|det J| = 0. The permutation is saved with the parameters.
 */
public final class ChannelPermutation extends FlowLayer {
  private final Parameter forwardIndex;
  private final Parameter inverseIndex;

  /** Creates the layer; {@code order[c]} is the input channel that becomes output channel c. */
  public ChannelPermutation(ImageShape shape, int[] order) {
    super(shape);
    float[] fwd = new float[order.length];
    float[] inv = new float[order.length];
    for (int c = 0; c < order.length; c++) {
      fwd[c] = order[c];
      inv[order[c]] = c;
    }
    forwardIndex = state("order", new Shape(order.length), Init.values(n -> fwd));
    inverseIndex = state("inverse_order", new Shape(order.length), Init.values(n -> inv));
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    return volumePreserving(permute(x, forwardIndex.getArray()), pass);
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    return volumePreserving(permute(y, inverseIndex.getArray()), pass);
  }

  private NDArray permute(NDArray x, NDArray order) {
    ImageShape s = inputShape();
    long b = x.getShape().get(0);
    NDArray index = order.toType(ai.djl.ndarray.types.DataType.INT64, false)
        .reshape(1, s.channels(), 1, 1)
        .broadcast(s.batched(b));
    return x.gather(index, 1);
  }
}
