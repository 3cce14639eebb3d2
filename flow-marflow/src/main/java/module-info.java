/**
 * The prior of the mAR-SCF backbone (Bhattacharyya et al., "Normalizing Flows with Multi-Scale
 * Autoregressive Priors", CVPR 2020): a channel-autoregressive Gaussian whose per-channel mean
 * and log-std come from a convolutional LSTM run over the channel index, as the prior plugin
 * {@code marflow}.
 */
module org.attnflow.marflow {
  requires transitive org.attnflow.api;
  requires org.attnflow.layers;

  provides org.attnflow.api.spi.PriorProvider with
      org.attnflow.marflow.MarFlowPriorProvider;
}
