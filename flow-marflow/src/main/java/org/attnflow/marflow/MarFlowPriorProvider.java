package org.attnflow.marflow;

import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PriorProvider;
import org.attnflow.layers.ClassConditionalPrior;

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
        # odd kernel size of the ConvLSTM gate convolutions and of the input convolution
        kernel = 3
        # dilation of the ConvLSTM gate convolutions (no other convolution is dilated)
        dilation = 1
        # channels of the condition embedding of the kept half, concatenated to z_{c-1} at every step; unused for the final latent
        embed = 32
        # 0: the embedding is ReLU(conv(kept half)); N > 0: conv(ReLU(conv(kept half))) with N channels between the two convolutions (published mAR-SCF: 32, with embed = 4)
        embed-hidden = 0
        # odd kernel size of the embedding's convolutions; 0 uses kernel (published mAR-SCF: 5)
        embed-kernel = 0
        # lift each step's input [z_{c-1}, embedding] to hidden channels by a linear kernel x kernel convolution before the first ConvLSTM layer (published mAR-SCF: true)
        input-conv = false
        # odd kernel size of the zero-initialised output convolution (hidden -> mean, log-std); 0 uses kernel (published mAR-SCF: 3)
        output-kernel = 0
        # per-level overrides chosen by the latent's spatial size HEIGHTxWIDTH, e.g. per-size { 16x16 { kernel = 5, dilation = 2 }, 8x8 { kernel = 5 } }; an entry may set any key above
        per-size {}
        """);
  }

  @Override
  public Prior create(BuildContext context) {
    ImageShape latent = context.requireInputShape();
    return ClassConditionalPrior.of(context,
        new MarFlowPrior(latent, context.keptShape(), MarFlowOptions.from(context.settings(), latent), context.random()));
  }
}
