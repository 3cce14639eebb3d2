package org.attnflow.marflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.util.Pair;
import java.util.Random;
import org.attnflow.api.ImageShape;
import org.attnflow.api.math.FlowMath;
import org.attnflow.layers.Conv;

/**
 * Test helpers: building and randomising priors, and a reference MaRFlow written straight from
 * the definition (the embedding and the input convolution applied to each step's whole
 * concatenated input, one conv over the concatenation [input, h_{t−1}] per layer and step, gates by
 * slicing, per-channel Gaussian log-densities summed in double precision), sharing nothing with
 * the prior's own batched code but the parameters.
 */
final class Priors {
  private Priors() {}

  /** A prior built and initialised in {@code manager}. */
  static MarFlowPrior create(NDManager manager, ImageShape latent, ImageShape condition, MarFlowOptions options, long seed) {
    MarFlowPrior prior = new MarFlowPrior(latent, condition, options, new Random(seed));
    prior.initialize(manager, DataType.FLOAT32, condition == null
        ? new Shape[] {latent.batched(1)}
        : new Shape[] {latent.batched(1), condition.batched(1)});
    return prior;
  }

  /** Adds N(0, std²) noise to every trainable parameter of {@code block}. */
  static void randomize(Block block, long seed, double std) {
    Random random = new Random(seed);
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (!p.getValue().requiresGradient()) {
        continue;
      }
      NDArray a = p.getValue().getArray();
      float[] v = a.toFloatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (std * random.nextGaussian());
      }
      a.set(v);
    }
  }

  /** The result of the reference: per-sample log-likelihoods and the per-entry means, (B, C·H·W) row-major. */
  record Reference(double[] logProb, double[][] mean, double[][] logStd) {}

  /** The reference computation of the prior's log-likelihood of {@code z} (B, C, H, W). */
  static Reference reference(MarFlowPrior prior, NDArray z, NDArray condition) {
    NDManager m = z.getManager();
    int batch = (int) z.getShape().get(0);
    ImageShape shape = prior.latentShape();
    int channels = shape.channels();
    int positions = shape.positions();
    MarFlowOptions o = prior.options();
    int layers = o.layers();
    int hidden = o.hidden();
    NDArray embedded = null;
    if (condition != null && prior.embeddingHidden() == null) {
      embedded = Activation.relu(apply(prior.embedding(), condition));
    } else if (condition != null) {
      embedded = apply(prior.embedding(), Activation.relu(apply(prior.embeddingHidden(), condition)));
    }
    NDArray[] h = new NDArray[layers];
    NDArray[] c = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      h[l] = m.zeros(new Shape(batch, hidden, shape.height(), shape.width()));
      c[l] = h[l];
    }
    double[] logProb = new double[batch];
    double[][] mean = new double[batch][channels * positions];
    double[][] logStd = new double[batch][channels * positions];
    for (int t = 0; t < channels; t++) {
      NDArray input = t == 0 ? m.zeros(new Shape(batch, 1, shape.height(), shape.width())) : z.get(":, " + (t - 1) + ":" + t);
      if (embedded != null) {
        input = NDArrays.concat(new NDList(input, embedded), 1);
      }
      if (prior.inputConv() != null) {
        input = apply(prior.inputConv(), input);
      }
      for (int l = 0; l < layers; l++) {
        ConvLstmCell cell = prior.cells().get(l);
        NDArray gates = conv(NDArrays.concat(new NDList(input, h[l]), 1), cell.weight(), cell.bias(), o.dilation());
        NDArray i = Activation.sigmoid(gates.get(":, 0:" + hidden));
        NDArray f = Activation.sigmoid(gates.get(":, " + hidden + ":" + 2 * hidden));
        NDArray og = Activation.sigmoid(gates.get(":, " + 2 * hidden + ":" + 3 * hidden));
        NDArray g = Activation.tanh(gates.get(":, " + 3 * hidden + ":" + 4 * hidden));
        c[l] = f.mul(c[l]).add(i.mul(g));
        h[l] = og.mul(Activation.tanh(c[l]));
        input = h[l];
      }
      NDArray out = conv(h[layers - 1], param(prior.output(), "weight"), param(prior.output(), "bias"), 1)
          .mul(FlowMath.scale(param(prior.output(), "logs"), 3).exp());
      float[] mu = out.get(":, 0").toFloatArray();
      float[] ls = out.get(":, 1").toFloatArray();
      float[] zc = z.get(":, " + t).toFloatArray();
      for (int b = 0; b < batch; b++) {
        for (int p = 0; p < positions; p++) {
          int k = b * positions + p;
          double s = Math.exp(ls[k]);
          double u = (zc[k] - mu[k]) / s;
          logProb[b] += -0.5 * u * u - ls[k] - 0.5 * Math.log(2 * Math.PI);
          mean[b][t * positions + p] = mu[k];
          logStd[b][t * positions + p] = ls[k];
        }
      }
    }
    return new Reference(logProb, mean, logStd);
  }

  private static NDArray apply(Conv c, NDArray x) {
    return conv(x, param(c, "weight"), param(c, "bias"), 1);
  }

  private static NDArray param(Conv conv, String name) {
    return conv.getDirectParameters().get(name).getArray();
  }

  private static NDArray conv(NDArray x, NDArray w, NDArray b, int dilation) {
    long pad = dilation * (w.getShape().get(2) / 2);
    // in float64, which the engine computes without oneDNN: its float32 kernels get some shapes wrong on some CPUs
    NDArray b64 = b == null ? null : b.toType(DataType.FLOAT64, false);
    return Conv2d.conv2d(x.toType(DataType.FLOAT64, false), w.toType(DataType.FLOAT64, false), b64, new Shape(1, 1),
        new Shape(pad, pad), new Shape(dilation, dilation)).singletonOrThrow().toType(DataType.FLOAT32, false);
  }

  /** Flattens each sample of a (B, …) array to a row of doubles. */
  static double[][] rows(NDArray a) {
    int batch = (int) a.getShape().get(0);
    float[] v = a.toFloatArray();
    int d = v.length / batch;
    double[][] out = new double[batch][d];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < d; j++) {
        out[b][j] = v[b * d + j];
      }
    }
    return out;
  }

  /** The largest absolute difference of two equally shaped tables. */
  static double maxDiff(double[][] a, double[][] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return m;
  }
}
