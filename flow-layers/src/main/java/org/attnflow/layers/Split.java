package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.ShapeException;
import org.attnflow.api.math.FlowMath;

/**
 * Factors out half of the channels: z₁ (the first half) continues through the flow, z₂ (the
 * second half) is handed to the pass with its log-likelihood under a prior conditioned on z₁.
 * The map x ↦ (z₁, z₂) is a relabelling, so log|det J| = 0. In the inverse, z₂ is taken from the
 * pass when it was given, and sampled from the prior otherwise.
 */
public final class Split extends FlowLayer {
  private final long kept;
  private final Prior prior;

  /** Creates the split; {@code prior} models the factored-out half given the kept half. */
  public Split(ImageShape shape, Prior prior) {
    super(shape);
    if (shape.channels() < 2) {
      throw new ShapeException("split needs at least 2 channels, found " + shape);
    }
    kept = shape.channels() / 2;
    this.prior = child("prior", prior);
  }

  /** The shape of the kept half z₁. */
  public static ImageShape keptShape(ImageShape in) {
    return new ImageShape(in.channels() / 2, in.height(), in.width());
  }

  /** The shape of the factored-out half z₂. */
  public static ImageShape factoredShape(ImageShape in) {
    return new ImageShape(in.channels() - in.channels() / 2, in.height(), in.width());
  }

  @Override
  public ImageShape outputShape() {
    return keptShape(inputShape());
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    NDList halves = FlowMath.splitChannels(x, kept);
    NDArray z1 = halves.get(0);
    NDArray z2 = halves.get(1);
    pass.pushLatent(z2, prior.logProb(z2, z1, pass));
    return volumePreserving(z1, pass);
  }

  @Override
  protected FlowOutput invert(NDArray z1, FlowPass pass) {
    NDArray z2 = pass.popLatent();
    if (z2 == null) {
      z2 = prior.sample(z1.getManager(), z1, z1.getShape().get(0), pass);
    }
    return volumePreserving(NDArrays.concat(new NDList(z1, z2), 1), pass);
  }
}
