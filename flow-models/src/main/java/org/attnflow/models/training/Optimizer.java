package org.attnflow.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.attnflow.api.FlowException;
import org.attnflow.api.math.FlowMath;
import org.attnflow.models.config.OptimizerRule;

/**
 * Adam or Adamax over a fixed list of parameters, with optional decoupled weight decay and an
 * optional exponential moving average of the parameters. The moments are kept as one flat vector
 * each, and an update runs on the flat gradient ({@link #gradient()}) in a dozen engine operations
 * whatever the number of parameters: per parameter there is only the gathering of its gradient
 * and the subtraction of its slice of the update (with a reshape only for parameters that are not
 * vectors already). Weight decay and the average need the parameters' values: they are gathered
 * into a flat vector once, at the first step, and from then on that vector receives the same
 * subtraction as the parameters, so it stays equal to them bit for bit without a gathering per
 * step. The parameters must therefore change only through {@link #step} once stepping has started
 * ({@link #withAverage} puts them back exactly). The moments, the flat values and the constant
 * decay rates live in the manager given at construction, outside any per-step scope; the moments
 * and the average are saved per parameter ({@link #state()}, {@link #average()}).
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
  private final double weightDecay;
  /** The parameters as one flat vector once {@link #valuesFilled}; null without weight decay and average. */
  private final NDArray values;
  private boolean valuesFilled;
  /** The moving average of the parameters once {@link #averageStarted}; null when none is kept. */
  private final NDArray average;
  private final NDArray averageDecay;
  private final NDArray averageGain;
  private boolean averageStarted;

  /** Creates the optimiser with zero moments for {@code parameters}, with no weight decay and no average. */
  public Optimizer(OptimizerRule rule, double beta1, double beta2, double epsilon, List<Parameter> parameters, NDManager manager) {
    this(rule, beta1, beta2, epsilon, 0, OptionalDouble.empty(), parameters, manager);
  }

  /**
   * Creates the optimiser with zero moments for {@code parameters}; every step also subtracts
   * lr·{@code weightDecay}·w from every parameter w (0 = none) and, when {@code averageDecay} is
   * present, moves the average towards the new values: a ← d·a + (1 − d)·w, the average starting
   * at the values before the first step.
   */
  public Optimizer(OptimizerRule rule, double beta1, double beta2, double epsilon, double weightDecay, OptionalDouble averageDecay,
      List<Parameter> parameters, NDManager manager) {
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
    this.weightDecay = weightDecay;
    values = weightDecay > 0 || averageDecay.isPresent() ? manager.zeros(first.getShape()) : null;
    average = averageDecay.isPresent() ? manager.zeros(first.getShape()) : null;
    this.averageDecay = average == null ? null : FlowMath.constant(average, averageDecay.getAsDouble());
    averageGain = average == null ? null : FlowMath.constant(average, 1 - averageDecay.getAsDouble());
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
    if (values != null) {
      fillValues();
      if (average != null && !averageStarted) {
        values.copyTo(average);
        averageStarted = true;
      }
      if (weightDecay > 0) {
        update = update.add(FlowMath.scale(values, lr * weightDecay));
      }
      values.subi(update);
    }
    NDList slices = update.split(splitPoints);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray p = parameters.get(i).getArray();
      p.subi(reshaped(slices.get(i), p.getShape()));
    }
    if (average != null) {
      average.muli(averageDecay).addi(values.mul(averageGain));
    }
  }

  /** What {@link #withAverage} returns: closing it puts the trained values back. */
  public interface AverageInUse extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Puts the moving average into the parameters until the returned value is closed, which puts
   * the trained values back exactly; does nothing without an average or before the first step.
   */
  public AverageInUse withAverage() {
    if (!averageStarted) {
      return () -> {};
    }
    fillValues();
    assign(average);
    return () -> assign(values);
  }

  /** Gathers the parameters into {@link #values} the first time it is needed. */
  private void fillValues() {
    if (!valuesFilled) {
      try (NDScope scope = new NDScope()) {
        NDList flat = new NDList(parameters.size());
        for (Parameter p : parameters) {
          flat.add(reshaped(p.getArray(), new Shape(p.getArray().size())));
        }
        NDArrays.concat(flat).copyTo(values);
      }
      valuesFilled = true;
    }
  }

  /** Sets the parameters to the slices of the flat vector {@code flat}. */
  private void assign(NDArray flat) {
    try (NDScope scope = new NDScope()) {
      NDList slices = perParameter(flat);
      for (int i = 0; i < parameters.size(); i++) {
        parameters.get(i).getArray().set(slices.get(i).toFloatArray());
      }
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

  /** The moving average, one array per parameter; empty when none is kept or no step was taken. */
  public Optional<NDList> average() {
    return averageStarted ? Optional.of(perParameter(average)) : Optional.empty();
  }

  /**
   * Restores an average saved by {@link #average()}; ignored when this optimiser keeps none (the
   * run no longer asks for one).
   */
  public void loadAverage(NDList saved) {
    if (average == null) {
      return;
    }
    if (saved.size() != parameters.size()) {
      throw new FlowException("checkpoint holds an average of " + saved.size() + " parameters, the model has " + parameters.size());
    }
    average.set(flatValues(saved, "average"));
    averageStarted = true;
  }

  /** Restores moments saved by {@link #state()}. */
  public void load(NDList state) {
    if (state.size() != 2 * parameters.size()) {
      throw new FlowException("checkpoint holds optimiser state for " + state.size() / 2
          + " parameters, the model has " + parameters.size());
    }
    first.set(flatValues(state.subNDList(0, parameters.size()), "optimiser state"));
    second.set(flatValues(state.subNDList(parameters.size(), 2 * parameters.size()), "optimiser state"));
  }

  private NDList perParameter(NDArray flat) {
    NDList slices = flat.split(splitPoints);
    NDList list = new NDList(parameters.size());
    for (int i = 0; i < parameters.size(); i++) {
      list.add(slices.get(i).reshape(parameters.get(i).getArray().getShape()));
    }
    return list;
  }

  private float[] flatValues(NDList arrays, String what) {
    float[] flat = new float[Math.toIntExact(offsets[parameters.size()])];
    for (int i = 0; i < arrays.size(); i++) {
      Shape expected = parameters.get(i).getArray().getShape();
      if (!arrays.get(i).getShape().equals(expected)) {
        throw new FlowException("checkpoint " + what + " has shape " + arrays.get(i).getShape() + ", expected " + expected);
      }
      float[] part = arrays.get(i).toFloatArray();
      System.arraycopy(part, 0, flat, Math.toIntExact(offsets[i]), part.length);
    }
    return flat;
  }
}
