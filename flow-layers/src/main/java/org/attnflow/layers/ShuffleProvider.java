package org.attnflow.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/** Provides {@code shuffle}: a fixed random permutation of the channels, drawn from the model seed. */
public final class ShuffleProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public ShuffleProvider() {
    super("shuffle", "a fixed random permutation of the channels, drawn from the model seed.", "");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    int c = context.requireInputShape().channels();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < c; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(context.random().nextLong()));
    return new ChannelPermutation(context.requireInputShape(), order.stream().mapToInt(Integer::intValue).toArray());
  }
}
