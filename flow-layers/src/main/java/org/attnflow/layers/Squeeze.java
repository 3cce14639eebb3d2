package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.ShapeException;

/**
 * Space-to-depth: every 2×2 block of pixels becomes 4 channels, (C, H, W) → (4C, H/2, W/2),
 * channel c·4 + 2·di + dj holding pixel (2i + di, 2j + dj). A permutation: log|det J| = 0.
 */
public final class Squeeze extends FlowLayer {

  /** Creates the layer; H and W must be even. */
  public Squeeze(ImageShape shape) {
    super(shape);
    if (shape.height() % 2 != 0 || shape.width() % 2 != 0) {
      throw new ShapeException("squeeze needs an even height and width, found " + shape);
    }
  }

  @Override
  public ImageShape outputShape() {
    ImageShape s = inputShape();
    return new ImageShape(s.channels() * 4, s.height() / 2, s.width() / 2);
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    ImageShape s = inputShape();
    long b = x.getShape().get(0);
    NDArray y = x.reshape(b, s.channels(), s.height() / 2, 2, s.width() / 2, 2)
        .transpose(0, 1, 3, 5, 2, 4)
        .reshape(outputShape().batched(b));
    return volumePreserving(y, pass);
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    ImageShape s = inputShape();
    long b = y.getShape().get(0);
    NDArray x = y.reshape(b, s.channels(), 2, 2, s.height() / 2, s.width() / 2)
        .transpose(0, 1, 4, 2, 5, 3)
        .reshape(s.batched(b));
    return volumePreserving(x, pass);
  }
}
