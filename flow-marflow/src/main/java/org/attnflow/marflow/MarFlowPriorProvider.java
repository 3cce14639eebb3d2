package org.attnflow.marflow;

import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PriorProvider;

/**
 * Provides {@code marflow}: the multi-scale autoregressive prior of mAR-SCF, a channel-by-channel
 * Gaussian from a ConvLSTM over the channel index ({@link MarFlowPrior}). It works as the prior of
 * a split (conditioned on the kept half) and as the prior of the final latent (unconditional).
 *
 * <p>A prior is built once per split and once for the top, and a build context carries no level
 * index, so per-level settings are chosen by the latent's spatial size, which differs from level
 * to level in a multi-scale model: {@code per-size { 16x16 { kernel = 5 }, 4x4 { dilation = 1 } }}
 * overrides, for the prior whose latent is 16×16 (4×4), the keys given there. A model whose levels
 * do not squeeze would share one entry among its priors of the same size.
 */
public final class MarFlowPriorProvider extends BasicPlugin<Prior> implements PriorProvider {

  /** Declares the provider. */
  public MarFlowPriorProvider() {
    super("marflow", "mAR-SCF prior: channel-autoregressive Gaussian, mean and log-std of channel c from a ConvLSTM over z_<c (and the kept half).", """
        # number of stacked ConvLSTM layers
        layers = 3
        # hidden (and cell) channels of every ConvLSTM layer
        hidden = 32
        # odd kernel size of the ConvLSTM gate convolutions, the condition embedding and the zero-initialised output convolution
        kernel = 3
        # dilation of the ConvLSTM gate convolutions (the embedding and output convolutions are not dilated)
        dilation = 1
        # channels of the condition embedding ReLU(conv(kept half)), concatenated to z_{c-1} at every step; unused for the final latent
        embed = 32
        # per-level overrides chosen by the latent's spatial size HEIGHTxWIDTH, e.g. per-size { 16x16 { kernel = 5 }, 8x8 { dilation = 2 } }; an entry may set layers, hidden, kernel, dilation and embed
        per-size {}
        """);
  }

  @Override
  public Prior create(BuildContext context) {
    ImageShape latent = context.requireInputShape();
    return new MarFlowPrior(latent, context.conditionShape(), MarFlowOptions.from(context.settings(), latent), context.random());
  }
}
