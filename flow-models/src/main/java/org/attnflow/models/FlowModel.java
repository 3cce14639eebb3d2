package org.attnflow.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowBlock;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.math.BitsPerDim;
import org.attnflow.api.math.FlowMath;

/**
 * A normalizing flow: a chain of invertible layers (squeezes, steps and splits of every level)
 * followed by a prior over the final latent. Encoding gives the exact log-likelihood; decoding
 * inverts the chain, sampling the latents that are not given.
 */
public final class FlowModel extends FlowBlock {
  private final ImageShape inputShape;
  private final List<FlowLayer> layers;
  private final Prior prior;
  private final List<Level> levels;
  private final int classes;

  /**
   * One level of the model and its shapes.
   *
   * @param name the level's path
   * @param steps the per-sample shape its flow steps work on (after the squeeze)
   * @param output the per-sample shape it hands on (the kept half, after a split)
   */
  public record Level(String name, ImageShape steps, ImageShape output) {}

  FlowModel(ImageShape inputShape, List<FlowLayer> layers, Prior prior, List<Level> levels, int classes) {
    this.inputShape = inputShape;
    this.classes = classes;
    this.layers = List.copyOf(layers);
    this.levels = List.copyOf(levels);
    for (int i = 0; i < layers.size(); i++) {
      child(String.format("%03d_%s", i, layers.get(i).path().replaceAll("[^A-Za-z0-9]+", "_")), layers.get(i));
    }
    this.prior = child("prior", prior);
  }

  /** The per-sample shape of the data. */
  public ImageShape inputShape() {
    return inputShape;
  }

  /** The number of classes of a class-conditional model ({@code model.classes}), 0 when unconditional. */
  public int classes() {
    return classes;
  }

  /** True when every pass through this model needs a {@link Condition}. */
  public boolean isConditional() {
    return classes > 0;
  }

  /** The number of scalars per sample, D. */
  public long dimensions() {
    return inputShape.size();
  }

  /** The parameters the optimiser updates: those that require a gradient (not fixed state). */
  public List<Parameter> trainableParameters() {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : getParameters()) {
      if (p.getValue().requiresGradient()) {
        out.add(p.getValue());
      }
    }
    return out;
  }

  /** The layers in data → latent order. */
  public List<FlowLayer> layers() {
    return layers;
  }

  /** The levels with their output shapes. */
  public List<Level> levels() {
    return levels;
  }

  /** What {@link #encode(NDArray, FlowPass, LayerVisitor)} shows of each layer it runs. */
  public interface LayerVisitor {
    /** Called after {@code layer} mapped {@code input} to {@code output}; returning false stops the pass. */
    boolean visit(FlowLayer layer, NDArray input, FlowOutput output);
  }

  /**
   * Encodes a batch (data → latent) within {@code pass}. Each layer's input is freed once the layer
   * has run (autograd keeps what the backward pass needs by itself), so an evaluation batch holds
   * one layer's output at a time rather than every layer's.
   */
  public Encoding encode(NDArray x, FlowPass pass) {
    return encodeLayers(x, pass, null).orElseThrow();
  }

  /**
   * Encodes a batch, showing every layer's input and output to {@code visitor}, which may keep
   * them; empty when the visitor stopped the pass.
   */
  public Optional<Encoding> encode(NDArray x, FlowPass pass, LayerVisitor visitor) {
    return encodeLayers(x, pass, Objects.requireNonNull(visitor, "visitor"));
  }

  /** The encoding, with {@code visitor} (which may keep the layers' inputs), or freeing each input when it is null. */
  private Optional<Encoding> encodeLayers(NDArray x, FlowPass pass, LayerVisitor visitor) {
    checkCondition(pass, x.getShape().get(0));
    NDArray h = x;
    NDArray logDet = null;
    for (FlowLayer layer : layers) {
      FlowOutput out = layer.forward(h, pass);
      if (visitor != null && !visitor.visit(layer, h, out)) {
        return Optional.empty();
      }
      if (visitor == null && h != x && h != out.value()) {
        h.close();
      }
      h = out.value();
      logDet = logDet == null ? out.logDet() : logDet.add(out.logDet());
    }
    NDArray logPrior = prior.logProb(h, null, pass);
    if (pass.priorLogProb() != null) {
      logPrior = logPrior.add(pass.priorLogProb());
    }
    return Optional.of(new Encoding(h, logDet, logPrior));
  }

  /** Decodes a final latent (latent → data); factored-out latents come from the pass or are sampled. */
  public NDArray decode(NDArray z, FlowPass pass) {
    checkCondition(pass, z.getShape().get(0));
    NDArray h = z;
    for (int i = layers.size() - 1; i >= 0; i--) {
      h = layers.get(i).inverse(h, pass).value();
    }
    return h;
  }

  /**
   * Encodes a batch into every latent: the final one and those of the splits, under {@code
   * condition} in a class-conditional model (null in an unconditional one).
   */
  public Latents latents(NDArray x, Condition condition) {
    FlowPass pass = Conditioning.on(FlowPass.encoding(), condition);
    NDArray last = encode(x, pass).latent();
    return new Latents(last, List.copyOf(pass.latents()));
  }

  /** Decodes a full set of latents (latent → data) under {@code condition} (null when unconditional), sampling nothing. */
  public NDArray decode(Latents latents, Condition condition) {
    return decode(latents.last(), latents.decodingPass(condition));
  }

  /** Encodes {@code x} and decodes it again with its own latents, in an unconditional model. */
  public NDArray reconstruct(NDArray x) {
    return reconstruct(x, null);
  }

  /**
   * Encodes {@code x} and decodes it again with its own latents (for checking invertibility),
   * under {@code condition} in a class-conditional model (null in an unconditional one).
   */
  public NDArray reconstruct(NDArray x, Condition condition) {
    return decode(latents(x, condition), condition);
  }

  /** Draws {@code n} samples at the pass's temperature (of the pass's class in a conditional model). */
  public NDArray sample(NDManager manager, long n, FlowPass pass) {
    checkCondition(pass, n);
    return decode(prior.sample(manager, null, n, pass), pass);
  }

  /**
   * Fails unless {@code pass} carries a condition for {@code batch} samples of this model's
   * classes exactly when the model is class-conditional.
   */
  private void checkCondition(FlowPass pass, long batch) {
    Optional<Condition> condition = pass.condition();
    if (classes == 0) {
      if (condition.isPresent()) {
        throw new IllegalArgumentException("the model is unconditional (model.classes = 0), but the pass has a class");
      }
      return;
    }
    Condition c = condition.orElseThrow(() -> new IllegalArgumentException(
        "the model is class-conditional (model.classes = " + classes + "), but the pass has no class"));
    if (c.classCount() != classes || c.batchSize() != batch) {
      throw new IllegalArgumentException("the pass's condition covers " + c.batchSize() + " samples of " + c.classCount()
          + " classes, but the batch has " + batch + " samples of the model's " + classes + " classes");
    }
  }

  /** Per-sample bits/dim of a dequantised batch, shape [B] (differentiable), with no dropout. */
  public NDArray bitsPerDim(NDArray x) {
    return bitsPerDim(x, FlowPass.encoding());
  }

  /** Per-sample bits/dim of a dequantised batch encoded in {@code pass} (a training pass drops out). */
  public NDArray bitsPerDim(NDArray x, FlowPass pass) {
    return BitsPerDim.of(encode(x, pass).logLikelihood(), dimensions());
  }

  /** Runs the data-dependent initialisation of every layer on {@code x}. */
  public void initializeFromData(NDArray x) {
    encode(x, FlowPass.initializing());
  }

  /**
   * Runs the chain layer by layer and describes the first layer that went bad: its output or
   * log-det is not finite, or for some sample its log-det, or the Gaussian energy ½‖z‖² of its
   * output, exceeds {@code maxBpd} bits per data dimension (either alone would put the sample's
   * bits/dim past that bound); then the prior, whose log-density is judged the same way. Empty
   * when nothing went bad. A class-conditional model runs under {@code condition} (null in an
   * unconditional one).
   */
  public Optional<String> firstDivergedLayer(NDArray x, Condition condition, double maxBpd) {
    double bound = maxBpd * dimensions() * Math.log(2);
    AtomicReference<String> culprit = new AtomicReference<>();
    FlowPass pass = Conditioning.on(FlowPass.encoding(), condition);
    Optional<Encoding> e = encode(x, pass, (layer, input, out) -> {
      Optional<String> why = excess(out.logDet(), "log-det", bound)
          .or(() -> excess(FlowMath.scale(out.value().square().reshape(out.value().getShape().get(0), -1).sum(new int[] {1}), 0.5),
              "output's Gaussian energy", bound));
      why.ifPresent(w -> culprit.set(layer.path() + " (" + w + ")"));
      return why.isEmpty();
    });
    if (e.isEmpty()) {
      return Optional.of(culprit.get());
    }
    return excess(e.get().logPrior(), "log-density", bound).map(w -> prior.path() + " (" + w + ")");
  }

  /** Why a per-sample quantity in nats is out of bounds, in bits/dim; empty when it is not. */
  private Optional<String> excess(NDArray perSample, String what, double bound) {
    double worst = perSample.abs().max().getFloat();
    if (!Double.isFinite(worst)) {
      return Optional.of("its " + what + " is not finite");
    }
    if (worst > bound) {
      return Optional.of(String.format(Locale.ROOT, "its %s reached %.3g bits/dim", what, worst / (dimensions() * Math.log(2))));
    }
    return Optional.empty();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(encode(inputs.singletonOrThrow(), FlowPass.encoding()).logLikelihood());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0))};
  }
}
