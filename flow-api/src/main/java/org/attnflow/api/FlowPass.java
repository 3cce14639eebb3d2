package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The state of one pass through a flow: the latents factored out by split layers (a stack, pushed
 * in the data → latent direction and popped in the latent → data direction), the prior
 * log-likelihood they contribute, the sampling temperature and noise, whether this pass is the
 * data-dependent initialisation, and whether it is a training step (the only kind of pass in
 * which networks drop activations out, with masks drawn from the pass's own dropout noise), and,
 * in a class-conditional model, the {@link Condition} every layer and prior may read, and the
 * {@link Guidance} that {@link Guidable} layers follow. Temperature, noise, condition and guidance
 * are arguments of a pass, never layer state.
 */
public final class FlowPass {
  private final Deque<NDArray> latents = new ArrayDeque<>();
  private final double temperature;
  private final Noise noise;
  private final boolean initializing;
  private final boolean logDets;
  private final Noise dropoutNoise;
  private Condition condition;
  private Guidance guidance;
  private NDArray priorLogProb;

  private FlowPass(double temperature, Noise noise, boolean initializing, boolean logDets) {
    this(temperature, noise, initializing, logDets, null);
  }

  private FlowPass(double temperature, Noise noise, boolean initializing, boolean logDets, Noise dropoutNoise) {
    this.temperature = temperature;
    this.noise = noise;
    this.initializing = initializing;
    this.logDets = logDets;
    this.dropoutNoise = dropoutNoise;
  }

  /** A pass that encodes data (or decodes given latents) with no sampling. */
  public static FlowPass encoding() {
    return new FlowPass(1.0, null, false, true);
  }

  /**
   * An encoding pass of a training step: networks with dropout draw their masks from
   * {@code dropoutNoise}, in the order the layers run, so a step seeded alike drops alike (a
   * resumed run repeats the trajectory). Its inverse is an ordinary pass without dropout.
   */
  public static FlowPass training(Noise dropoutNoise) {
    if (dropoutNoise == null) {
      throw new IllegalArgumentException("a training pass needs its dropout noise");
    }
    return new FlowPass(1.0, null, false, true, dropoutNoise);
  }

  /** The pass that runs the data-dependent initialisation on the first batch. */
  public static FlowPass initializing() {
    return new FlowPass(1.0, null, true, true);
  }

  /**
   * A pass that samples missing latents at {@code temperature} from {@code noise}. Nobody reads
   * its log-dets, so layers may skip them (see {@link #needsLogDet()}).
   */
  public static FlowPass sampling(double temperature, Noise noise) {
    if (!(temperature >= 0)) {
      throw new IllegalArgumentException("temperature must be ≥ 0, found " + temperature);
    }
    return new FlowPass(temperature, noise, false, false);
  }

  /**
   * A pass that inverts this (encoding) pass: it gives back the latents this pass factored out,
   * under the same condition.
   */
  public FlowPass inverse() {
    FlowPass pass = new FlowPass(1.0, null, false, true);
    pass.latents.addAll(latents);
    pass.condition = condition;
    pass.guidance = guidance;
    return pass;
  }

  /**
   * This pass, conditioned on {@code newCondition} (one class per sample); set it before the pass
   * runs. Returns this pass, so that {@code FlowPass.encoding().conditionedOn(c)} reads as one.
   */
  public FlowPass conditionedOn(Condition newCondition) {
    if (newCondition == null) {
      throw new IllegalArgumentException("the condition is null: leave the pass unconditioned instead");
    }
    if (priorLogProb != null || !latents.isEmpty()) {
      throw new IllegalStateException("a pass must be conditioned before it runs");
    }
    if (guidance != null) {
      throw new IllegalStateException("a pass must be conditioned before it is guided");
    }
    this.condition = newCondition;
    return this;
  }

  /**
   * This (conditioned) pass, guided with weight {@code weight} ≥ 0 towards its classes: {@link
   * Guidable} layers mix their conditional and unconditional parameters. Weight 0 leaves the pass
   * as it is. Returns this pass.
   */
  public FlowPass guided(double weight) {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("a guidance weight must be a finite number ≥ 0, found " + weight);
    }
    Condition c = requireCondition("a guided pass");
    if (weight > 0) {
      this.guidance = new Guidance(weight, c);
    }
    return this;
  }

  /** The guidance of this pass, empty when it is not guided (weight 0 included). */
  public Optional<Guidance> guidance() {
    return Optional.ofNullable(guidance);
  }

  /** The condition of this pass, empty in an unconditional one. */
  public Optional<Condition> condition() {
    return Optional.ofNullable(condition);
  }

  /**
   * The condition of this pass, for a block that cannot run without one; {@code who} names the
   * block in the error of a pass that has none.
   */
  public Condition requireCondition(String who) {
    if (condition == null) {
      throw new IllegalStateException(who + " is class-conditional, but this pass has no class");
    }
    return condition;
  }

  /** True when layers must initialise themselves from the data they see. */
  public boolean isInitializing() {
    return initializing;
  }

  /**
   * False for a sampling pass, whose log-dets nobody reads: a layer may then return {@link
   * FlowOutput#valueOnly} and skip computing its log-det (in glow32 a third of the sampling
   * pass's engine calls). A layer that computes it anyway is correct too.
   */
  public boolean needsLogDet() {
    return logDets;
  }

  /**
   * The noise of dropout masks in a {@linkplain #training training} pass; empty in every other
   * pass (evaluation, initialisation, sampling, reconstruction), which then uses no dropout.
   */
  public Optional<Noise> dropoutNoise() {
    return Optional.ofNullable(dropoutNoise);
  }

  /** The sampling temperature (standard deviation multiplier). */
  public double temperature() {
    return temperature;
  }

  /** The noise source of a sampling pass. */
  public Noise noise() {
    if (noise == null) {
      throw new IllegalStateException("this pass has no noise source: it cannot sample a latent that was not given");
    }
    return noise;
  }

  /** Stores a factored-out latent and its prior log-likelihood (shape [B]). */
  public void pushLatent(NDArray latent, NDArray logProb) {
    latents.push(latent);
    addLogProb(logProb);
  }

  /** Adds a prior log-likelihood term (shape [B]). */
  public void addLogProb(NDArray logProb) {
    priorLogProb = priorLogProb == null ? logProb : priorLogProb.add(logProb);
  }

  /** Takes the most recently stored latent, or null when none is left (then it must be sampled). */
  public NDArray popLatent() {
    return latents.poll();
  }

  /** The latents stored so far, most recent first. */
  public Deque<NDArray> latents() {
    return latents;
  }

  /** The arrays this pass holds: the stored latents and the summed prior log-likelihood. */
  List<NDArray> arrays() {
    List<NDArray> held = new ArrayList<>(latents);
    if (priorLogProb != null) {
      held.add(priorLogProb);
    }
    return held;
  }

  /** The summed prior log-likelihood of the factored-out latents, or null when there is none. */
  public NDArray priorLogProb() {
    return priorLogProb;
  }
}
