/** Invertible attention layers (iMap, iTrans, TarFlow blocks) and the mask strategies they use, as plugins. */
module org.attnflow.attention {
  requires transitive org.attnflow.api;
  requires org.attnflow.layers;

  provides org.attnflow.api.spi.LayerProvider with
      org.attnflow.attention.IMapProvider,
      org.attnflow.attention.ITransProvider,
      org.attnflow.attention.TarFlowProvider;
  provides org.attnflow.api.spi.MaskProvider with
      org.attnflow.attention.CheckerboardMaskProvider,
      org.attnflow.attention.ChannelHalvesMaskProvider,
      org.attnflow.attention.SpatialHalvesMaskProvider;
}
