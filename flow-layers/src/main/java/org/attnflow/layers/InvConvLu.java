package org.attnflow.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Init;
import org.attnflow.api.math.DenseLu;

/**
 * Glow's invertible 1×1 convolution in LU form: W = P·L·(U + diag(sign·exp(log s))), with P a
 * fixed permutation, L unit lower-triangular and U strictly upper-triangular, so that
 * log|det W| = Σ log s. Initialised from the LU factors of a random rotation. The fixed parts
 * (P, sign, the triangular masks) are saved with the parameters; the free scalars are C².
 */
public final class InvConvLu extends ChannelMatrixLayer {
  private final int c;
  private final Parameter lower;
  private final Parameter upper;
  private final Parameter logS;
  private final Parameter permutation;
  private final Parameter sign;
  private final Parameter lowerMask;
  private final Parameter upperMask;

  /** Creates the layer for inputs of {@code shape}, initial rotation drawn from {@code seed}. */
  public InvConvLu(ImageShape shape, long seed) {
    super(shape);
    c = shape.channels();
    DenseLu lu = new DenseLu(RandomRotation.of(c, seed), c);
    double[] l = lu.lower();
    double[] u = lu.upper();
    float[] strictLower = new float[c * c];
    float[] strictUpper = new float[c * c];
    float[] lowMask = new float[c * c];
    float[] upMask = new float[c * c];
    float[] logDiag = new float[c];
    float[] signs = new float[c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        if (j < i) {
          strictLower[i * c + j] = (float) l[i * c + j];
          lowMask[i * c + j] = 1;
        } else if (j > i) {
          strictUpper[i * c + j] = (float) u[i * c + j];
          upMask[i * c + j] = 1;
        }
      }
      double d = u[i * c + i];
      logDiag[i] = (float) Math.log(Math.abs(d));
      signs[i] = (float) Math.signum(d);
    }
    Shape square = new Shape(c, c);
    lower = parameter("lower", square, Init.values(n -> strictLower));
    upper = parameter("upper", square, Init.values(n -> strictUpper));
    logS = parameter("logs", new Shape(c), Init.values(n -> logDiag));
    permutation = state("permutation", square, Init.values(n -> toFloat(lu.permutationMatrix())));
    sign = state("sign", new Shape(c), Init.values(n -> signs));
    lowerMask = state("lower_mask", square, Init.values(n -> lowMask));
    upperMask = state("upper_mask", square, Init.values(n -> upMask));
  }

  @Override
  NDArray matrix() {
    NDManager m = lower.getArray().getManager();
    NDArray eye = m.eye(c);
    NDArray l = lower.getArray().mul(lowerMask.getArray()).add(eye);
    NDArray diag = eye.mul(sign.getArray().mul(logS.getArray().exp()));
    NDArray u = upper.getArray().mul(upperMask.getArray()).add(diag);
    return permutation.getArray().matMul(l).matMul(u);
  }

  @Override
  NDArray logAbsDet() {
    return logS.getArray().sum();
  }

  @Override
  public long freeParameterCount() {
    return (long) c * c;
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
