package org.attnflow.marflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.Scoped;
import org.attnflow.api.ShapeException;
import org.attnflow.api.math.DiagonalGaussian;
import org.attnflow.api.math.FlowMath;
import org.attnflow.layers.Conv;

/**
 * The MaRFlow prior of mAR-SCF: a channel-autoregressive Gaussian over a latent z of C×H×W,
 *
 * <pre>
 *   p(z | u) = Π_c N(z_c; μ_c, σ_c²),   (μ_c, log σ_c) = out(h^top_c),
 * </pre>
 *
 * where h^top_c is the top hidden state of a stack of ConvLSTM layers ({@link ConvLstmCell}) run
 * over the channel index as time. The input at step c is z_{c−1} (zeros at c = 0) concatenated
 * with an embedding e of the condition u (the kept half of a split; there is none for the final
 * latent): e = ReLU(conv(u)), or conv(ReLU(conv(u))) as in the published mAR-SCF. With
 * {@code input-conv} (as published), a linear convolution lifts this input to the hidden width
 * before the first ConvLSTM layer; without, the first layer reads it directly. Each higher layer
 * takes the hidden state of the layer below. The output convolution {@code out} (hidden → 2,
 * channel 0 the mean and 1 the log-std) is zero-initialised with Glow's exp(3·logs) scale, so the
 * prior starts as N(0, I).
 *
 * <p>The log-likelihood is exact: all C steps run with the true previous channels (teacher
 * forcing), layer by layer, so that each layer's input convolution is one engine call for all
 * steps and only the recurrent convolution and the gate arithmetic run C times. Sampling runs
 * channel by channel, z_c = μ_c + T·σ_c·ε_c, feeding each sampled channel back; temperature 0
 * gives the chain of means.
 */
public final class MarFlowPrior extends Prior {
  private final MarFlowOptions options;
  private final Conv embeddingHidden;
  private final Conv embedding;
  private final Conv inputConv;
  private final List<ConvLstmCell> cells;
  private final Conv output;

  /**
   * Creates the prior of {@code latent} given a condition of {@code condition} (null for an
   * unconditional prior), drawing the initial weights from {@code random}.
   */
  public MarFlowPrior(ImageShape latent, ImageShape condition, MarFlowOptions options, Random random) {
    super(latent, condition);
    if (condition != null && (condition.height() != latent.height() || condition.width() != latent.width())) {
      throw new ShapeException("the marflow prior needs a condition of the latent's spatial size: latent "
          + latent + ", condition " + condition);
    }
    this.options = options;
    boolean conditioned = condition != null;
    // The draws of a configuration without the newer keys come in the order they always did.
    embeddingHidden = !conditioned || options.embedHidden() == 0 ? null : child("embedding-hidden",
        Conv.hidden(condition.channels(), options.embedHidden(), options.embedKernel(), random.nextLong(), ConvLstmCell.WEIGHT_STD));
    embedding = !conditioned ? null : child("embedding", Conv.hidden(options.embedHidden() == 0 ? condition.channels() : options.embedHidden(),
        options.embed(), options.embedKernel(), random.nextLong(), ConvLstmCell.WEIGHT_STD));
    inputConv = !options.inputConv() ? null : child("input",
        Conv.hidden(options.stepInputs(conditioned), options.hidden(), options.kernel(), random.nextLong(), ConvLstmCell.WEIGHT_STD));
    List<ConvLstmCell> list = new ArrayList<>();
    for (int l = 0; l < options.layers(); l++) {
      int in = l > 0 ? options.hidden() : options.firstLayerInputs(conditioned);
      list.add(child("lstm" + l, new ConvLstmCell(in, options.hidden(), options.kernel(), options.dilation(), random.nextLong())));
    }
    cells = Collections.unmodifiableList(list);
    output = child("output", Conv.zero(options.hidden(), 2, options.outputKernel()));
  }

  /** The architecture of this prior (after the per-size overrides). */
  public MarFlowOptions options() {
    return options;
  }

  List<ConvLstmCell> cells() {
    return cells;
  }

  Conv embedding() {
    return embedding;
  }

  Conv embeddingHidden() {
    return embeddingHidden;
  }

  Conv inputConv() {
    return inputConv;
  }

  Conv output() {
    return output;
  }

  @Override
  public NDArray logProb(NDArray z, NDArray kept, FlowPass pass) {
    return Scoped.array(() -> meanAndLogStd(z, kept).logDensity(z));
  }

  /**
   * The means and log-stds of every channel of {@code z} given its previous channels (teacher
   * forcing), each (B, C, H, W). Each layer, and each time step within it, runs in a scope of its
   * own ({@link Scoped}), so that only the hidden states that the next layer reads outlive a layer
   * and only h and c outlive a step: without it, a batch of 500 kept the gates and activations of
   * every step of every layer until the batch ended (6.2 GB resident when evaluating marflow32).
   */
  DiagonalGaussian meanAndLogStd(NDArray z, NDArray condition) {
    checkLatent(z);
    return Scoped.keeping(() -> teacherForced(z, condition), p -> List.of(p.mean(), p.logStd()));
  }

  private DiagonalGaussian teacherForced(NDArray z, NDArray condition) {
    long batch = z.getShape().get(0);
    int channels = latentShape().channels();
    int height = latentShape().height();
    int width = latentShape().width();
    NDArray embedded = embed(condition, batch);

    // The inputs of all steps, time-major: (C·B, 1, H, W) = [0, z_0, …, z_{C−2}].
    NDArray zeros = z.getManager().zeros(new Shape(batch, 1, height, width));
    NDArray previous = channels == 1 ? zeros
        : NDArrays.concat(new NDList(zeros, z.split(new long[] {channels - 1}, 1).get(0)), 1);
    NDArray x = previous.transpose(1, 0, 2, 3).reshape(channels * batch, 1, height, width);
    if (inputConv != null) {
      NDArray steps = x;
      x = Scoped.array(() -> lift(steps, inputConditionTerm(embedded)));
    }
    NDArray gateCondition = gatesSeeCondition() ? embedded : null;

    for (int l = 0; l < cells.size(); l++) {
      int layer = l;
      NDArray input = x;
      x = Scoped.array(() -> layerOverAllSteps(layer, input, gateCondition, batch));
    }

    // (C·B, 2, H, W) → (2, B, C, H, W): the means and the log-stds in latent layout.
    NDList p = output.apply(x).reshape(channels, batch, 2, height, width).transpose(2, 1, 0, 3, 4).split(2, 0);
    Shape latent = latentShape().batched(batch);
    return new DiagonalGaussian(p.get(0).reshape(latent), p.get(1).reshape(latent));
  }

  /**
   * The hidden states (C·B, hidden, H, W), time-major, of ConvLSTM layer {@code l} run over the
   * inputs {@code x} (C·B, inputs, H, W) of all C steps, the first layer also seeing the embedded
   * condition through its gate weight (null when there is none or the input convolution took it).
   */
  private NDArray layerOverAllSteps(int l, NDArray x, NDArray embedded, long batch) {
    int channels = latentShape().channels();
    int height = latentShape().height();
    int width = latentShape().width();
    ConvLstmCell cell = cells.get(l);
    NDList w = cell.splitWeight(splitPoints(l));
    // The condition's part is added in place (the convolution's backward does not read its output)
    // through a view of the gates (splitting the first axis is always a view; MarFlowPluginTest fails
    // if the condition is lost), in a scope of its own, so that only the gates of all steps outlive it.
    NDArray gates = Scoped.array(() -> {
      NDArray own = cell.conv(x, w.get(0), cell.bias());
      if (l != 0 || embedded == null) {
        return own;
      }
      long g = 4L * cell.hidden();
      own.reshape(channels, batch, g, height, width).addi(cell.conv(embedded, w.get(1), null));
      return own;
    });
    NDArray recurrent = w.get(w.size() - 1);
    NDList steps = channels == 1 ? new NDList(gates) : gates.split(channels, 0);
    NDList hidden = new NDList(channels);
    ConvLstmCell.State state = null;
    for (int t = 0; t < channels; t++) {
      NDArray stepGates = steps.get(t);
      ConvLstmCell.State before = state;
      state = Scoped.keeping(() -> cell.step(stepGates, before, recurrent), s -> List.of(s.h(), s.c()));
      hidden.add(state.h());
    }
    return channels == 1 ? hidden.get(0) : NDArrays.concat(hidden, 0);
  }

  @Override
  public NDArray sample(NDManager manager, NDArray kept, long batch, FlowPass pass) {
    int channels = latentShape().channels();
    float temperature = (float) pass.temperature();
    // Drawn at every temperature, so that one noise seed gives the same ε at every temperature.
    NDArray eps = pass.noise().normal(manager, latentShape().batched(batch));
    NDList noise = channels == 1 ? new NDList(eps) : eps.split(channels, 1);
    NDArray embedded = embed(kept, batch);

    List<NDList> weights = new ArrayList<>();
    NDArray conditionGates = null;
    for (int l = 0; l < cells.size(); l++) {
      ConvLstmCell cell = cells.get(l);
      NDList w = cell.splitWeight(splitPoints(l));
      weights.add(w);
      if (l == 0 && gatesSeeCondition()) {
        conditionGates = cell.conv(embedded, w.get(1), cell.bias());
      }
    }
    NDArray conditionInput = inputConv == null ? null : inputConditionTerm(embedded);

    ConvLstmCell.State[] states = new ConvLstmCell.State[cells.size()];
    NDArray previous = manager.zeros(new Shape(batch, 1, latentShape().height(), latentShape().width()));
    NDList sampled = new NDList(channels);
    for (int t = 0; t < channels; t++) {
      NDArray input = previous;
      NDArray channelNoise = noise.get(t);
      NDArray gates = conditionGates;
      // A scope per channel, as in meanAndLogStd: only the sample and the new states outlive it.
      previous = Scoped.keeping(() -> nextChannel(input, states, weights, gates, conditionInput, channelNoise, temperature),
          zt -> Stream.concat(Stream.of(zt), Arrays.stream(states).flatMap(s -> Stream.of(s.h(), s.c()))).toList());
      sampled.add(previous);
    }
    return channels == 1 ? sampled.get(0) : NDArrays.concat(sampled, 1);
  }

  /**
   * Draws the next channel (B, 1, H, W) given the previous one, advancing {@code states} (one per
   * layer) by a step; {@code conditionGates} is the first layer's gate contribution of the
   * embedded condition with the bias, or null when there is no condition or an input convolution,
   * whose contribution of the embedded condition is {@code conditionInput} (null without either).
   */
  private NDArray nextChannel(NDArray previous, ConvLstmCell.State[] states, List<NDList> weights,
      NDArray conditionGates, NDArray conditionInput, NDArray noise, float temperature) {
    NDArray x = inputConv == null ? previous : lift(previous, conditionInput);
    for (int l = 0; l < cells.size(); l++) {
      ConvLstmCell cell = cells.get(l);
      NDList w = weights.get(l);
      NDArray gates = conditionGates != null && l == 0
          ? cell.conv(x, w.get(0), null).add(conditionGates)
          : cell.conv(x, w.get(0), cell.bias());
      states[l] = cell.step(gates, states[l], w.get(w.size() - 1));
      x = states[l].h();
    }
    NDList p = output.apply(x).split(2, 1);
    return new DiagonalGaussian(p.get(0), p.get(1)).draw(noise, temperature);
  }

  /**
   * The input convolution of the step inputs {@code x} (S·B, 1, H, W), S steps time-major, given
   * {@code conditionTerm}, the contribution (B, hidden, H, W) of the embedded condition with the
   * bias ({@link #inputConditionTerm}), the same at every step, or null for an unconditional prior.
   */
  private NDArray lift(NDArray x, NDArray conditionTerm) {
    if (conditionTerm == null) {
      return inputConv.apply(x);
    }
    long rows = x.getShape().get(0);
    Shape perStep = conditionTerm.getShape();
    NDArray own = FlowMath.conv(x, inputWeightParts().get(0), null);
    return own.reshape(new Shape(rows / perStep.get(0)).addAll(perStep)).add(conditionTerm).reshape(new Shape(rows).addAll(perStep.slice(1)));
  }

  /** The input convolution's part for the embedded condition, with its bias; null without a condition. */
  private NDArray inputConditionTerm(NDArray embedded) {
    return embedded == null ? null : FlowMath.conv(embedded, inputWeightParts().get(1), inputConv.bias());
  }

  /** The input convolution's weight cut along its input channels: [z_{c−1} | embedding]. */
  private NDList inputWeightParts() {
    return inputConv.weight().split(new long[] {1}, 1);
  }

  /** Whether the first ConvLSTM layer reads the embedded condition itself (there is one and no input convolution took it). */
  private boolean gatesSeeCondition() {
    return embedding != null && inputConv == null;
  }

  /** Where the first layer's weight is cut: [z_{c−1} | embedding | h] when its gates see the condition, else [input | h]. */
  private long[] splitPoints(int layer) {
    ConvLstmCell cell = cells.get(layer);
    if (layer == 0 && gatesSeeCondition()) {
      return new long[] {1, cell.inputs()};
    }
    return new long[] {cell.inputs()};
  }

  private NDArray embed(NDArray condition, long batch) {
    if (keptShape() == null) {
      if (condition != null) {
        throw new IllegalArgumentException(path() + ": this marflow prior is unconditional and was given a condition " + condition.getShape());
      }
      return null;
    }
    if (condition == null) {
      throw new IllegalArgumentException(path() + ": this marflow prior needs a condition of " + keptShape());
    }
    if (!condition.getShape().equals(keptShape().batched(batch))) {
      throw new ShapeException(path() + ": the condition must be " + keptShape().batched(batch) + ", found " + condition.getShape());
    }
    return embeddingHidden == null
        ? Activation.relu(embedding.apply(condition))
        : embedding.apply(Activation.relu(embeddingHidden.apply(condition)));
  }

  private void checkLatent(NDArray z) {
    if (z.getShape().dimension() != 4 || !ImageShape.of(z.getShape()).equals(latentShape())) {
      throw new ShapeException(path() + ": the latent must be (B, " + latentShape() + "), found " + z.getShape());
    }
  }

  @Override
  public String toString() {
    return "MarFlowPrior(" + latentShape() + (keptShape() == null ? "" : " | " + keptShape()) + ", " + options + ")";
  }
}
