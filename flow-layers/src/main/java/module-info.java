/** The Glow building blocks as layer, prior and coupling-network plugins (with Flow++'s network). */
module org.attnflow.layers {
  requires transitive org.attnflow.api;

  exports org.attnflow.layers;

  provides org.attnflow.api.spi.LayerProvider with
      org.attnflow.layers.ActNormProvider,
      org.attnflow.layers.InvConvProvider,
      org.attnflow.layers.AffineCouplingProvider,
      org.attnflow.layers.AdditiveCouplingProvider,
      org.attnflow.layers.SqueezeProvider,
      org.attnflow.layers.SplitProvider,
      org.attnflow.layers.ReverseProvider,
      org.attnflow.layers.ShuffleProvider,
      org.attnflow.layers.MixLogCdfCouplingProvider,
      org.attnflow.layers.TupleFlipProvider;
  provides org.attnflow.api.spi.PriorProvider with
      org.attnflow.layers.StandardNormalPriorProvider,
      org.attnflow.layers.LearnedPriorProvider,
      org.attnflow.layers.ConditionalGaussianPriorProvider;
  provides org.attnflow.api.spi.NetworkProvider with
      org.attnflow.layers.GlowNetworkProvider,
      org.attnflow.layers.FlowPlusPlusNetworkProvider;
}
