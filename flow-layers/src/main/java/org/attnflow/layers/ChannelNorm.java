package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import org.attnflow.api.Init;
import org.attnflow.api.UnaryBlock;

/**
 * Layer normalisation over the last axis of an array (…, C), the channels of a channels-last
 * activation or the features of a token: each vector is standardised (ε = 1e-5) and then scaled
 * and shifted per entry by learned γ (from 1) and β (from 0). One engine call.
 */
public final class ChannelNorm extends UnaryBlock {
  private static final float EPSILON = 1e-5f;
  private final Parameter gamma;
  private final Parameter beta;
  private final Shape channels;

  /** Creates the normalisation of {@code channels} channels. */
  public ChannelNorm(int channels) {
    this.channels = new Shape(channels);
    gamma = parameter("gamma", this.channels, Init.constant(1));
    beta = parameter("beta", this.channels, Init.constant(0));
  }

  @Override
  public NDArray apply(NDArray x) {
    return LayerNorm.layerNorm(x, channels, gamma.getArray(), beta.getArray(), EPSILON).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
