package org.attnflow.api.spi;

import java.util.List;
import org.attnflow.api.ConditioningNetwork;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.MaskStrategy;
import org.attnflow.api.Prior;
import org.attnflow.api.data.DatasetSplits;

/**
 * One kind of plugin: its service interface and a name for messages.
 *
 * @param <T> what its providers build
 * @param service the service interface looked up with ServiceLoader
 * @param noun the singular noun used in messages and listings
 */
public record PluginKind<T>(Class<? extends Plugin<T>> service, String noun) {
  /** Invertible layers. */
  public static final PluginKind<FlowLayer> LAYER = new PluginKind<>(LayerProvider.class, "layer");
  /** Mask strategies. */
  public static final PluginKind<MaskStrategy> MASK = new PluginKind<>(MaskProvider.class, "mask");
  /** Priors over latents. */
  public static final PluginKind<Prior> PRIOR = new PluginKind<>(PriorProvider.class, "prior");
  /** Coupling networks (factories that build a coupling's network once its sizes are known). */
  public static final PluginKind<ConditioningNetwork.Factory> NETWORK = new PluginKind<>(NetworkProvider.class, "network");
  /** Dataset readers. */
  public static final PluginKind<DatasetSplits> DATASET = new PluginKind<>(DatasetProvider.class, "dataset");

  /** Every kind, in listing order. */
  public static List<PluginKind<?>> all() {
    return List.of(LAYER, MASK, PRIOR, NETWORK, DATASET);
  }
}
