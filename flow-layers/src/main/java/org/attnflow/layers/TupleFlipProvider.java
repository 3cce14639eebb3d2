package org.attnflow.layers;

import org.attnflow.api.FlowLayer;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.LayerProvider;

/**
 * Provides {@code tuple-flip}: Flow++'s swap of the coupling halves, [x₁, x₂] → [x₂, x₁] with x₁
 * the first ⌊C/2⌋ channels, so the next coupling changes the half this one kept. It is the channel
 * rotation y[c] = x[(c + ⌊C/2⌋) mod C], which for odd C moves x₂'s ⌈C/2⌉ channels to the front
 * and is undone exactly by the opposite rotation.
 */
public final class TupleFlipProvider extends BasicPlugin<FlowLayer> implements LayerProvider {

  /** Declares the provider. */
  public TupleFlipProvider() {
    super("tuple-flip", "swaps the channel halves [x1, x2] -> [x2, x1] (Flow++), x1 the first floor(C/2) channels.", "");
  }

  @Override
  public FlowLayer create(BuildContext context) {
    int c = context.requireInputShape().channels();
    int[] order = new int[c];
    for (int i = 0; i < c; i++) {
      order[i] = (i + c / 2) % c;
    }
    return new ChannelPermutation(context.requireInputShape(), order);
  }
}
