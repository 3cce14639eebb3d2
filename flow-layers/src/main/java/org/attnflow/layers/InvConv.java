package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.math.DenseLu;
import org.attnflow.api.math.FlowMath;

/**
 * Glow's invertible 1×1 convolution in plain form: W is a free C×C matrix initialised to a random
 * rotation. log|det W| and its gradient W⁻ᵀ come from a pivoted double-precision LU of the
 * current W in Java (C is small), joined to the autograd graph as log|det W₀| + Σ (W − W₀)·W₀⁻ᵀ at
 * W₀ = W. Slower than {@link InvConvLu} and invertible only while W stays non-singular.
 */
public final class InvConv extends ChannelMatrixLayer {
  private final Parameter weight;

  /** Creates the layer for inputs of {@code shape}, initial rotation drawn from {@code seed}. */
  public InvConv(ImageShape shape, long seed) {
    super(shape);
    int c = shape.channels();
    double[] q = RandomRotation.of(c, seed);
    float[] w = new float[q.length];
    for (int i = 0; i < q.length; i++) {
      w[i] = (float) q[i];
    }
    weight = parameter("weight", new Shape(c, c), Init.values(n -> w));
  }

  @Override
  NDArray matrix() {
    return weight.getArray();
  }

  @Override
  NDArray logAbsDet() {
    NDArray matrix = matrix();
    int c = inputShape().channels();
    float[] w = matrix.toFloatArray();
    double[] a = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      a[i] = w[i];
    }
    DenseLu lu = new DenseLu(a, c);
    double[] invT = lu.inverseTranspose();
    float[] g = new float[invT.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) invT[i];
    }
    NDArray gradient = FlowMath.array(matrix.getManager(), g, new Shape(c, c));
    return matrix.sub(matrix.stopGradient()).mul(gradient).sum().add((float) lu.logAbsDet());
  }
}
