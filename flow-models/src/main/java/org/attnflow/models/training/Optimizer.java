package org.attnflow.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import org.attnflow.api.FlowException;
import org.attnflow.api.math.FlowMath;
import org.attnflow.models.config.OptimizerRule;

/**
 * Adam or Adamax over a fixed list of parameters. The moments are kept as one flat vector each,
 * and an update runs on the flat gradient ({@link #gradient()}) in a dozen engine operations
 * whatever the number of parameters: per parameter there is only the gathering of its gradient
 * and the subtraction of its slice of the update (with a reshape only for parameters that are not
 * vectors already). The moments and the constant decay rates live in the manager given at
 * construction, outside any per-step scope; the moments are saved per parameter ({@link #state()}).
 */
public final class Optimizer {
  private final OptimizerRule rule;
  private final double beta1;
  private final double beta2;
  private final float epsilon;
  private final List<Parameter> parameters;
  /** Where each parameter's slice of a flat vector starts, plus the total length at the end. */
  private final long[] offsets;
  /** The offsets where one parameter's slice ends and the next begins (for {@code split}). */
  private final long[] splitPoints;
  private final NDArray first;
  private final NDArray second;
  private final NDArray beta1Array;
  private final NDArray beta2Array;

  /** Creates the optimiser with zero moments for {@code parameters}. */
  public Optimizer(OptimizerRule rule, double beta1, double beta2, double epsilon, List<Parameter> parameters, NDManager manager) {
    this.rule = rule;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = (float) epsilon;
    this.parameters = List.copyOf(parameters);
    offsets = new long[parameters.size() + 1];
    for (int i = 0; i < parameters.size(); i++) {
      offsets[i + 1] = offsets[i] + parameters.get(i).getArray().size();
    }
    splitPoints = Arrays.copyOfRange(offsets, 1, Math.max(1, parameters.size()));
    first = manager.zeros(new Shape(offsets[parameters.size()]));
    second = manager.zeros(new Shape(offsets[parameters.size()]));
    beta1Array = FlowMath.constant(first, beta1);
    beta2Array = FlowMath.constant(second, beta2);
  }

  /** The gradients of all parameters as one flat vector, in parameter order. */
  public NDArray gradient() {
    NDList flat = new NDList(parameters.size());
    for (Parameter p : parameters) {
      NDArray g = p.getArray().getGradient();
      flat.add(reshaped(g, new Shape(g.size())));
    }
    return NDArrays.concat(flat);
  }

  /** Sets every parameter's accumulated gradient to zero, ready for the next backward pass. */
  public void zeroGradients() {
    for (Parameter p : parameters) {
      NDArray g = p.getArray().getGradient();
      g.subi(g);
    }
  }

  /**
   * Applies update number {@code t} (1-based) with learning rate {@code lr} to the parameters,
   * given their flat gradient {@code gradient} (from {@link #gradient()}) multiplied by
   * {@code gradientScale} (for clipping).
   */
  public void step(NDArray gradient, double lr, double gradientScale, long t) {
    first.muli(beta1Array).addi(FlowMath.scale(gradient, (1 - beta1) * gradientScale));
    second.muli(beta2Array);
    NDArray denominator;
    if (rule == OptimizerRule.ADAM) {
      second.addi(FlowMath.scale(gradient.square(), (1 - beta2) * gradientScale * gradientScale));
      denominator = FlowMath.scale(second, 1 / (1 - Math.pow(beta2, t))).sqrt().add(epsilon);
    } else {
      // v ← max(β₂·v, |s·g|), written as β₂·v + relu(|s·g| − β₂·v) to stay in place.
      second.addi(Activation.relu(FlowMath.scale(gradient.abs(), gradientScale).sub(second)));
      denominator = second.add(epsilon);
    }
    NDArray update = FlowMath.scale(first, lr / (1 - Math.pow(beta1, t))).div(denominator);
    NDList slices = update.split(splitPoints);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray p = parameters.get(i).getArray();
      p.subi(reshaped(slices.get(i), p.getShape()));
    }
  }

  /** {@code a} reshaped to {@code shape}, without an engine call when it has that shape already. */
  private static NDArray reshaped(NDArray a, Shape shape) {
    return a.getShape().equals(shape) ? a : a.reshape(shape);
  }

  /** The moments, one array per parameter and named for saving: first moments then second moments. */
  public NDList state() {
    NDList list = new NDList(2 * parameters.size());
    list.addAll(perParameter(first));
    list.addAll(perParameter(second));
    return list;
  }

  /** Restores moments saved by {@link #state()}. */
  public void load(NDList state) {
    if (state.size() != 2 * parameters.size()) {
      throw new FlowException("checkpoint holds optimiser state for " + state.size() / 2
          + " parameters, the model has " + parameters.size());
    }
    first.set(flatValues(state.subNDList(0, parameters.size())));
    second.set(flatValues(state.subNDList(parameters.size(), 2 * parameters.size())));
  }

  private NDList perParameter(NDArray flat) {
    NDList slices = flat.split(splitPoints);
    NDList list = new NDList(parameters.size());
    for (int i = 0; i < parameters.size(); i++) {
      list.add(slices.get(i).reshape(parameters.get(i).getArray().getShape()));
    }
    return list;
  }

  private float[] flatValues(NDList arrays) {
    float[] values = new float[Math.toIntExact(offsets[parameters.size()])];
    for (int i = 0; i < arrays.size(); i++) {
      Shape expected = parameters.get(i).getArray().getShape();
      if (!arrays.get(i).getShape().equals(expected)) {
        throw new FlowException("checkpoint optimiser state has shape " + arrays.get(i).getShape() + ", expected " + expected);
      }
      float[] part = arrays.get(i).toFloatArray();
      System.arraycopy(part, 0, values, Math.toIntExact(offsets[i]), part.length);
    }
    return values;
  }
}
