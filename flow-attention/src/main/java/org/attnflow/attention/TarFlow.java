package org.attnflow.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Guidable;
import org.attnflow.api.Guidance;
import org.attnflow.api.ImageShape;
import org.attnflow.api.IterativeInverse;
import org.attnflow.api.Scoped;
import org.attnflow.api.math.FlowMath;

/**
 * A TarFlow block (Zhai et al., 2025; docs/maths.md, "TarFlow"): the input is cut into P×P patch
 * tokens x₀ … x_{N−1} of d = C·P² features, taken in row-major order or reversed, and a causal
 * Transformer that reads x₀ … x_{i−1} gives a log-scale αᵢ and a shift μᵢ for token i:
 * zᵢ = (xᵢ − μᵢ)·exp(−αᵢ), z₀ = x₀. The Jacobian is triangular in token order, so
 * log|det J| = −Σᵢ αᵢ exactly. The network reads tokens 0 … N−2 and its output t gives the
 * parameters of token t + 1: the shift by one token that makes token i depend on earlier tokens
 * only.
 *
 * <p>The inverse recovers the tokens in order (token i needs x₀ … x_{i−1}), as {@link
 * TarFlowInverse} chooses: one token per Transformer step with cached keys and values, the same
 * with the whole network recomputed, or Jacobi iteration over all tokens at once, whose
 * iterations it counts.
 *
 * <p>In a class-conditional model the Transformer adds a class embedding to every token's input,
 * so μᵢ and αᵢ depend on the sample's class too. A {@linkplain Guidance guided} pass (both
 * directions, every inverse) uses the network's output under the class mixed with its output under
 * "no class": the parameters p_c + w·(p_c − p_u), which still depend on earlier tokens only, so the
 * guided map is a flow of the same form.
 */
public final class TarFlow extends FlowLayer implements IterativeInverse, Guidable {
  private final Patches patches;
  private final boolean reversed;
  private final TarFlowInverse inverse;
  private final int features;
  private final CausalTransformer transformer;
  private Count iterations = Count.NONE;

  /**
   * A block over inputs of {@code shape} with patches of side {@code patch} (P divides H and W:
   * checked by the provider), taking the class of {@code classes} classes (0: none).
   */
  TarFlow(ImageShape shape, int patch, boolean reversed, int classes, CausalTransformer.Options options, TarFlowInverse inverse,
      Random random) {
    super(shape);
    this.patches = new Patches(shape, patch);
    this.reversed = reversed;
    this.inverse = inverse;
    this.features = patches.features();
    int tokens = patches.count();
    this.transformer = child("transformer", new CausalTransformer(features, 2 * features, tokens - 1, classes, options, random));
  }

  /** Whether this block takes the tokens in reversed order. */
  boolean reversed() {
    return reversed;
  }

  @Override
  public boolean takesGuidance() {
    return transformer.conditional();
  }

  @Override
  protected FlowOutput transform(NDArray x, FlowPass pass) {
    NDArray tokens = ordered(patches.tokens(x));
    Affine affine = parametersOf(tokens, pass);
    NDArray rest = tokens.get(new NDIndex(":, 1:")).sub(affine.shift()).mul(affine.logScale().neg().exp());
    NDArray z = NDArrays.concat(new NDList(tokens.get(new NDIndex(":, :1")), rest), 1);
    return FlowOutput.of(patches.image(ordered(z)), pass, () -> FlowMath.perSample(affine.logScale()).neg());
  }

  @Override
  protected FlowOutput invert(NDArray y, FlowPass pass) {
    NDArray z = ordered(patches.tokens(y));
    Inverted x = switch (inverse.method()) {
      case CACHED, RECOMPUTE -> tokenByToken(z, steps(pass), pass);
      case JACOBI -> jacobi(z, pass);
    };
    return FlowOutput.of(patches.image(ordered(x.tokens())), pass, x::logDet);
  }

  @Override
  public synchronized Count inverseIterations() {
    return iterations;
  }

  @Override
  public long extraActivationsPerSample() {
    return transformer.activationsPerSample(patches.count() - 1);
  }

  /** The tokens in this block's order: reversed or as they are (its own inverse). */
  private NDArray ordered(NDArray tokens) {
    return reversed ? tokens.flip(1) : tokens;
  }

  /** The network's output split into log-scales α and shifts μ, (B, T, d) each. */
  private Affine affine(NDArray output) {
    NDList parts = output.split(2, 2);
    return new Affine(parts.get(0), parts.get(1));
  }

  /** Token t's value from its latent and parameters: z·exp(α) + μ. */
  private static NDArray inverted(NDArray latent, Affine affine) {
    return latent.mul(affine.logScale().exp()).add(affine.shift());
  }

  /**
   * The tokens recovered one after the other: token t + 1 from the parameters that {@code steps}
   * computes once tokens 0 … t are known. Each step runs in a scope of its own and keeps only the
   * new token, its log-scales (when the pass needs the log-det) and what {@code steps} holds.
   */
  private Inverted tokenByToken(NDArray z, Steps steps, FlowPass pass) {
    int n = patches.count();
    List<NDArray> known = new ArrayList<>(List.of(z.get(new NDIndex(":, :1"))));
    List<NDArray> logScales = new ArrayList<>();
    for (int t = 1; t < n; t++) {
      NDArray latent = z.get(new NDIndex(":, {}:{}", t, t + 1));
      Affine affine = Scoped.keeping(() -> affine(steps.next(known)),
          a -> Stream.concat(Stream.of(a.logScale(), a.shift()), steps.held().stream()).toList());
      known.add(inverted(latent, affine));
      if (pass.needsLogDet()) {
        logScales.add(affine.logScale());
      }
    }
    NDArray tokens = NDArrays.concat(new NDList(known), 1);
    return new Inverted(tokens, () -> FlowMath.perSample(NDArrays.concat(new NDList(logScales), 1)));
  }

  /**
   * Jacobi iteration: all tokens at once, x ← (z₀, z_{1:}·exp(α(x)) + μ(x)) from x = z, until no
   * value changes by more than the tolerance or the limit is reached. After k iterations tokens
   * 0 … k are exact, so N − 1 iterations reach the inverse and the N-th finds no change.
   * The tokens not yet exact are the map applied to wrong values, and where their log-scales are
   * large they can overflow and, through the attention (0·∞), spoil the exact ones: the iteration
   * then stops at its limit, counted as unconverged. Trained blocks have moderate log-scales.
   */
  private Inverted jacobi(NDArray z, FlowPass pass) {
    NDArray first = z.get(new NDIndex(":, :1"));
    NDArray rest = z.get(new NDIndex(":, 1:"));
    int limit = inverse.limit(patches.count());
    NDArray x = z;
    int taken = 0;
    boolean converged = false;
    while (!converged && taken < limit) {
      NDArray previous = x;
      x = Scoped.array(() -> NDArrays.concat(new NDList(first, inverted(rest, parametersOf(previous, pass))), 1));
      converged = x.sub(previous).abs().max().toType(DataType.FLOAT64, false).getDouble() <= inverse.tolerance();
      taken++;
    }
    count(taken, converged);
    NDArray solution = x;
    return new Inverted(solution, () -> FlowMath.perSample(parametersOf(solution, pass).logScale()));
  }

  /** The log-scales and shifts of tokens 1 … N − 1 given all tokens x, in {@code pass}. */
  private Affine parametersOf(NDArray x, FlowPass pass) {
    NDArray known = x.get(new NDIndex(":, :-1"));
    NDArray out = transformer.apply(known, condition(pass));
    return affine(guidance(pass).map(g -> g.mix(out, transformer.apply(known, g.unconditioned()))).orElse(out));
  }

  /** The class of each sample of {@code pass}, or null for a block that takes no class. */
  private Condition condition(FlowPass pass) {
    return transformer.conditional() ? pass.requireCondition(path()) : null;
  }

  /** The guidance of {@code pass} for this block: none for a block that takes no class. */
  private Optional<Guidance> guidance(FlowPass pass) {
    return transformer.conditional() ? pass.guidance() : Optional.empty();
  }

  /** The token-by-token steps of this block's inverse in {@code pass}, guided when the pass is. */
  private Steps steps(FlowPass pass) {
    Steps conditional = steps(condition(pass));
    return guidance(pass).<Steps>map(g -> new GuidedSteps(conditional, steps(g.unconditioned()), g)).orElse(conditional);
  }

  /** The token-by-token steps of this block's inverse for samples of the classes of {@code condition}. */
  private Steps steps(Condition condition) {
    return inverse.method() == TarFlowInverse.Method.CACHED ? new CachedSteps(condition) : new RecomputedSteps(condition);
  }

  private synchronized void count(int taken, boolean converged) {
    iterations = iterations.plus(taken, converged);
  }

  /** Log-scales α and shifts μ of some tokens. */
  private record Affine(NDArray logScale, NDArray shift) {}

  /** Recovered tokens (B, N, d) and the inverse's log-det +Σα, computed on demand. */
  private record Inverted(NDArray tokens, Supplier<NDArray> logDetOnDemand) {
    NDArray logDet() {
      return logDetOnDemand.get();
    }
  }

  /** The network's output for the next token once tokens 0 … t are known. */
  private interface Steps {
    /** The output (B, 1, 2d) that gives the parameters of token t + 1. */
    NDArray next(List<NDArray> known);

    /** The arrays it holds between steps. */
    List<NDArray> held();
  }

  /** Steps of the cached decoder: one new token per step, through every layer once. */
  private final class CachedSteps implements Steps {
    private final CausalTransformer.Decoder decoder;

    CachedSteps(Condition condition) {
      decoder = transformer.decoder(condition);
    }

    @Override
    public NDArray next(List<NDArray> known) {
      return decoder.next(known.get(known.size() - 1));
    }

    @Override
    public List<NDArray> held() {
      return decoder.arrays();
    }
  }

  /** Steps that run the whole network over every known token and read its last output. */
  private final class RecomputedSteps implements Steps {
    private final Condition condition;

    RecomputedSteps(Condition condition) {
      this.condition = condition;
    }

    @Override
    public NDArray next(List<NDArray> known) {
      return transformer.apply(NDArrays.concat(new NDList(known), 1), condition).get(new NDIndex(":, -1:"));
    }

    @Override
    public List<NDArray> held() {
      return List.of();
    }
  }

  /** Guided steps: the conditional steps' output mixed with the unconditional ones' (each with its own caches). */
  private record GuidedSteps(Steps conditional, Steps unconditional, Guidance guidance) implements Steps {
    @Override
    public NDArray next(List<NDArray> known) {
      return guidance.mix(conditional.next(known), unconditional.next(known));
    }

    @Override
    public List<NDArray> held() {
      return Stream.concat(conditional.held().stream(), unconditional.held().stream()).toList();
    }
  }
}
