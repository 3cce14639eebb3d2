package org.attnflow.attention;

import java.util.Arrays;
import org.attnflow.api.ImageShape;
import org.attnflow.api.MaskProperty;
import org.attnflow.api.MaskStrategy;

/** Masks the first ⌊C/2⌋ channels at every position, like a coupling layer's split. */
public record ChannelHalvesMask() implements MaskStrategy {

  @Override
  public String type() {
    return "channel-halves";
  }

  @Override
  public float[] pattern(ImageShape shape) {
    float[] m = new float[shape.size()];
    Arrays.fill(m, 0, (shape.channels() / 2) * shape.positions(), 1f);
    return m;
  }

  /**
   * Half the channels at every position iff C is even; the same pattern in every P×P patch iff H
   * and W are multiples of P (the pattern does not vary over space).
   */
  @Override
  public boolean guarantees(MaskProperty property, ImageShape shape, int patch) {
    return switch (property) {
      case HALF_CHANNELS_AT_EVERY_POSITION -> shape.channels() % 2 == 0;
      case SAME_PATTERN_IN_EVERY_PATCH -> Patches.tile(shape, patch);
    };
  }
}
