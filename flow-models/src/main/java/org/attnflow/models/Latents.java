package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;

/**
 * Every latent of an encoded batch: the final latent and the latents the splits factored out,
 * most recent first (the order in which decoding takes them back). Decoding them needs no
 * sampling ({@link FlowModel#decode(Latents)}).
 *
 * @param last the final latent, the prior's input
 * @param factored the split latents, the last level's first
 */
public record Latents(NDArray last, List<NDArray> factored) {

  public Latents {
    factored = List.copyOf(factored);
  }

  /** The number of samples. */
  public long samples() {
    return last.getShape().get(0);
  }

  /**
   * The latents of {@code points} evenly spaced points (t = k / (points − 1)) on the path from
   * sample {@code from} to sample {@code to}, both included; each latent tensor of a sample is one
   * vector of {@code how}.
   */
  public Latents path(int from, int to, int points, Interpolation how) {
    if (points < 2) {
      throw new IllegalArgumentException("a path needs at least 2 points, found " + points);
    }
    List<NDArray> along = new ArrayList<>();
    for (NDArray latent : factored) {
      along.add(path(latent, from, to, points, how));
    }
    return new Latents(path(last, from, to, points, how), along);
  }

  private static NDArray path(NDArray latent, int from, int to, int points, Interpolation how) {
    float[] a = latent.get(from).toFloatArray();
    float[] b = latent.get(to).toFloatArray();
    float[] out = new float[points * a.length];
    for (int k = 0; k < points; k++) {
      System.arraycopy(how.at(a, b, (double) k / (points - 1)), 0, out, k * a.length, a.length);
    }
    Shape shape = new Shape(points).addAll(latent.getShape().slice(1));
    return latent.getManager().create(out, shape).toType(latent.getDataType(), false);
  }

  /**
   * A pass that hands the factored-out latents back to the splits, in order, under {@code
   * condition} (null in an unconditional model).
   */
  FlowPass decodingPass(Condition condition) {
    FlowPass pass = Conditioning.on(FlowPass.encoding(), condition);
    pass.latents().addAll(factored);
    return pass;
  }
}
