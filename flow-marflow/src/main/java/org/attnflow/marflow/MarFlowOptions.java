package org.attnflow.marflow;

import java.util.Set;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;

/**
 * The architecture of one MaRFlow prior.
 *
 * @param layers number of stacked ConvLSTM layers (at least 1)
 * @param hidden hidden (and cell) channels of every ConvLSTM layer
 * @param kernel odd kernel size of the gate convolutions (and of the input convolution)
 * @param dilation dilation of the gate convolutions (no other convolution is dilated)
 * @param embed channels of the condition embedding (unused by an unconditional prior)
 * @param embedHidden 0 for an embedding ReLU(conv(u)); otherwise the channels of its first
 *     convolution in conv(ReLU(conv(u))), the embedding of the published mAR-SCF
 * @param embedKernel odd kernel size of the embedding's convolutions
 * @param inputConv whether a linear convolution lifts each step's input [z_{c−1}, embedding] to
 *     {@code hidden} channels before the first ConvLSTM layer, as in the published mAR-SCF
 * @param outputKernel odd kernel size of the zero-initialised output convolution
 */
public record MarFlowOptions(int layers, int hidden, int kernel, int dilation, int embed,
    int embedHidden, int embedKernel, boolean inputConv, int outputKernel) {
  /** The keys an entry of {@code per-size} may override. */
  public static final Set<String> OVERRIDABLE = Set.of("layers", "hidden", "kernel", "dilation", "embed",
      "embed-hidden", "embed-kernel", "input-conv", "output-kernel");

  /** The key of the per-level overrides, chosen by the latent's spatial size. */
  public static final String PER_SIZE = "per-size";

  /** Validates the values. */
  public MarFlowOptions {
    if (layers < 1 || hidden < 1 || embed < 1 || embedHidden < 0 || dilation < 1
        || !odd(kernel) || !odd(embedKernel) || !odd(outputKernel)) {
      throw new IllegalArgumentException("invalid MaRFlow options " + layers + ", " + hidden + ", " + kernel + ", " + dilation
          + ", " + embed + ", " + embedHidden + ", " + embedKernel + ", " + inputConv + ", " + outputKernel);
    }
  }

  /**
   * The options of this project's first MaRFlow, which every setting left at its default still
   * gives: embedding ReLU(conv(u)), no input convolution, one kernel size for every convolution.
   */
  public MarFlowOptions(int layers, int hidden, int kernel, int dilation, int embed) {
    this(layers, hidden, kernel, dilation, embed, 0, kernel, false, kernel);
  }

  /** The MaRFlow defaults: 3 layers of 32 channels, 3×3 kernels, no dilation, a 32-channel embedding. */
  public static MarFlowOptions defaults() {
    return new MarFlowOptions(3, 32, 3, 1, 32);
  }

  /** The channels of the first ConvLSTM layer's input at each step: hidden after the input convolution, else [z_{c−1}, embedding]. */
  int firstLayerInputs(boolean conditioned) {
    return inputConv ? hidden : stepInputs(conditioned);
  }

  /** The channels of a step's input [z_{c−1}, embedding] (the embedding only when conditioned). */
  int stepInputs(boolean conditioned) {
    return 1 + (conditioned ? embed : 0);
  }

  /** The name of the {@code per-size} entry that applies to a latent of {@code shape}: "HxW". */
  public static String sizeKey(ImageShape shape) {
    return shape.height() + "x" + shape.width();
  }

  /**
   * Reads the options of a prior over a latent of {@code latent} from its (completed) settings:
   * the top-level keys, replaced key by key by the {@code per-size} entry named after the latent's
   * spatial size ({@link #sizeKey}), when there is one. Every entry of {@code per-size} is checked,
   * whether it applies to this latent or not, so a typo fails at every prior.
   */
  public static MarFlowOptions from(Settings settings, ImageShape latent) {
    Settings perSize = settings.block(PER_SIZE);
    Settings chosen = null;
    for (String key : perSize.keys()) {
      if (!key.matches("[1-9][0-9]*x[1-9][0-9]*")) {
        throw perSize.error(key, "expected an entry named after a latent's spatial size, HEIGHTxWIDTH (for example 16x16), found \"" + key + "\"");
      }
      Settings entry = perSize.block(key);
      entry.requireKnownKeys(OVERRIDABLE, "a per-size entry of the marflow prior");
      read(entry.withDefaults(settings.config()));
      if (key.equals(sizeKey(latent))) {
        chosen = entry;
      }
    }
    return read(chosen == null ? settings : chosen.withDefaults(settings.config()));
  }

  private static MarFlowOptions read(Settings s) {
    int kernel = oddKernel(s, "kernel", 1);
    // 0 stands for the gate kernel, so that configurations written before these keys keep their model.
    int embedKernel = oddKernel(s, "embed-kernel", 0);
    int outputKernel = oddKernel(s, "output-kernel", 0);
    return new MarFlowOptions(s.integerAtLeast("layers", 1), s.integerAtLeast("hidden", 1), kernel,
        s.integerAtLeast("dilation", 1), s.integerAtLeast("embed", 1), s.integerAtLeast("embed-hidden", 0),
        embedKernel == 0 ? kernel : embedKernel, s.bool("input-conv"), outputKernel == 0 ? kernel : outputKernel);
  }

  private static int oddKernel(Settings s, String key, int min) {
    int k = s.integerAtLeast(key, min);
    if (k != 0 && !odd(k)) {
      throw s.error(key, "expected an odd kernel size (the convolutions keep the spatial size), found " + k);
    }
    return k;
  }

  private static boolean odd(int k) {
    return k > 0 && k % 2 == 1;
  }
}
