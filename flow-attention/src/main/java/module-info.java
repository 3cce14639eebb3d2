/** Invertible attention layers (iMap, iTrans) and the mask strategies they use, as plugins. */
module org.attnflow.attention {
  requires transitive org.attnflow.api;
  requires org.attnflow.layers;

  provides org.attnflow.api.spi.LayerProvider with
      org.attnflow.attention.IMapProvider,
      org.attnflow.attention.ITransProvider;
  provides org.attnflow.api.spi.MaskProvider with
      org.attnflow.attention.CheckerboardMaskProvider,
      org.attnflow.attention.ChannelHalvesMaskProvider,
      org.attnflow.attention.SpatialHalvesMaskProvider;
}
