package org.attnflow.marflow;

import java.util.Set;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.Settings;

/**
 * The architecture of one MaRFlow prior.
 *
 * @param layers number of stacked ConvLSTM layers (at least 1)
 * @param hidden hidden (and cell) channels of every ConvLSTM layer
 * @param kernel odd kernel size of the gate convolutions, the condition embedding and the output
 *     convolution
 * @param dilation dilation of the gate convolutions (the embedding and the output convolution are
 *     not dilated)
 * @param embed channels of the condition embedding (unused by an unconditional prior)
 */
public record MarFlowOptions(int layers, int hidden, int kernel, int dilation, int embed) {
  /** The keys an entry of {@code per-size} may override. */
  public static final Set<String> OVERRIDABLE = Set.of("layers", "hidden", "kernel", "dilation", "embed");

  /** The key of the per-level overrides, chosen by the latent's spatial size. */
  public static final String PER_SIZE = "per-size";

  /** Validates the values. */
  public MarFlowOptions {
    if (layers < 1 || hidden < 1 || embed < 1 || dilation < 1 || kernel < 1 || kernel % 2 == 0) {
      throw new IllegalArgumentException("invalid MaRFlow options " + layers + ", " + hidden + ", " + kernel + ", " + dilation + ", " + embed);
    }
  }

  /** The MaRFlow defaults of the paper's setting: 3 layers of 32 channels, 3×3 kernels, no dilation. */
  public static MarFlowOptions defaults() {
    return new MarFlowOptions(3, 32, 3, 1, 32);
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
    int kernel = s.integerAtLeast("kernel", 1);
    if (kernel % 2 == 0) {
      throw s.error("kernel", "expected an odd kernel size (the convolutions keep the spatial size), found " + kernel);
    }
    return new MarFlowOptions(s.integerAtLeast("layers", 1), s.integerAtLeast("hidden", 1), kernel, s.integerAtLeast("dilation", 1), s.integerAtLeast("embed", 1));
  }
}
