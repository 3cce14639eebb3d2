package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import org.attnflow.api.math.FlowMath;

/**
 * Classifier-free guidance of a class-conditional pass (docs/maths.md, "Guidance"): a layer that
 * takes it ({@link Guidable}) computes its parameters p_c under each sample's class and p_u under
 * "no class" ({@link #unconditioned}), and uses p_c + w·(p_c − p_u). Weight 0 is the plain
 * conditional pass, so a pass is only guided with w &gt; 0.
 */
public final class Guidance {
  private final double weight;
  private final Condition unconditioned;

  /** Guidance of weight {@code weight} &gt; 0 towards the classes of {@code condition}. */
  Guidance(double weight, Condition condition) {
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("a guidance weight must be a finite number > 0, found " + weight);
    }
    this.weight = weight;
    this.unconditioned = condition.withoutClasses();
  }

  /** The weight w. */
  public double weight() {
    return weight;
  }

  /** The pass's batch with no class for any sample, for the unconditional parameters. */
  public Condition unconditioned() {
    return unconditioned;
  }

  /** The guided parameters p_c + w·(p_c − p_u) from the conditional {@code p_c} and unconditional {@code p_u}. */
  public NDArray mix(NDArray conditional, NDArray unconditional) {
    return conditional.add(FlowMath.scale(conditional.sub(unconditional), weight));
  }
}
