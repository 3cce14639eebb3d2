package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.attnflow.api.FlowException;
import org.attnflow.api.math.FlowMath;

/**
 * Adam or Adamax over a fixed list of parameters, with its moments in public, checkpointable
 * arrays. The moments live in the manager given at construction, outside any per-step scope.
 */
public final class Optimizer {
  /** The update rule. */
  public enum Rule {
    /** Adam (Kingma and Ba), bias-corrected moments. */
    ADAM,
    /** Adamax: the infinity-norm variant of Adam. */
    ADAMAX
  }

  private final Rule rule;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final List<Parameter> parameters;
  private final List<NDArray> first = new ArrayList<>();
  private final List<NDArray> second = new ArrayList<>();

  /** Creates the optimiser with zero moments for {@code parameters}. */
  public Optimizer(Rule rule, double beta1, double beta2, double epsilon, List<Parameter> parameters, NDManager manager) {
    this.rule = rule;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
    this.parameters = List.copyOf(parameters);
    for (Parameter p : parameters) {
      first.add(manager.zeros(p.getArray().getShape()));
      second.add(manager.zeros(p.getArray().getShape()));
    }
  }

  /**
   * Applies update number {@code t} (1-based) with learning rate {@code lr} to the parameters,
   * whose gradients are {@code gradients} multiplied by {@code gradientScale} (for clipping).
   */
  public void step(List<NDArray> gradients, double lr, double gradientScale, long t) {
    double stepSize = lr / (1 - Math.pow(beta1, t));
    double correction2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray g = FlowMath.scale(gradients.get(i), gradientScale);
      NDArray m = first.get(i);
      NDArray v = second.get(i);
      m.muli(FlowMath.constant(m, beta1)).addi(FlowMath.scale(g, 1 - beta1));
      v.muli(FlowMath.constant(v, beta2));
      NDArray denominator;
      if (rule == Rule.ADAM) {
        v.addi(FlowMath.scale(g.square(), 1 - beta2));
        denominator = FlowMath.scale(v, 1 / correction2).sqrt().add(epsilon);
      } else {
        // v ← max(β₂·v, |g|), written as β₂·v + relu(|g| − β₂·v) to stay in place.
        v.addi(Activation.relu(g.abs().sub(v)));
        denominator = v.add(epsilon);
      }
      parameters.get(i).getArray().subi(FlowMath.scale(m, stepSize).div(denominator));
    }
  }

  /** The moments, named for saving: first moments then second moments. */
  public NDList state() {
    NDList list = new NDList();
    for (int i = 0; i < parameters.size(); i++) {
      list.add(first.get(i));
    }
    for (int i = 0; i < parameters.size(); i++) {
      list.add(second.get(i));
    }
    return list;
  }

  /** Restores moments saved by {@link #state()}. */
  public void load(NDList state) {
    if (state.size() != 2 * parameters.size()) {
      throw new FlowException("checkpoint holds optimiser state for " + state.size() / 2
          + " parameters, the model has " + parameters.size());
    }
    for (int i = 0; i < parameters.size(); i++) {
      copy(state.get(i), first.get(i));
      copy(state.get(parameters.size() + i), second.get(i));
    }
  }

  private static void copy(NDArray from, NDArray to) {
    if (!from.getShape().equals(to.getShape())) {
      throw new FlowException("checkpoint optimiser state has shape " + from.getShape() + ", expected " + to.getShape());
    }
    to.set(from.toFloatArray());
  }
}
