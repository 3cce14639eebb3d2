package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A binary mask M over a feature map: 1 marks the entries that condition (are kept), 0 the
 * entries that are transformed. A strategy states which {@link MaskProperty properties} it
 * guarantees so that layers can refuse a mask they cannot work with while the model is built.
 */
public interface MaskStrategy {

  /** The mask's type name, as written in configuration. */
  String type();

  /** The 0/1 pattern for one sample of the given shape, in C, H, W order. */
  float[] pattern(ImageShape shape);

  /** Whether the pattern for {@code shape} has {@code property}; {@code patch} is the P of patch properties. */
  boolean guarantees(MaskProperty property, ImageShape shape, int patch);

  /** The complementary mask 1 − M, with the same guarantees. */
  default MaskStrategy complement() {
    MaskStrategy original = this;
    return new MaskStrategy() {
      @Override
      public String type() {
        return "1 − " + original.type();
      }

      @Override
      public float[] pattern(ImageShape shape) {
        float[] p = original.pattern(shape);
        for (int i = 0; i < p.length; i++) {
          p[i] = 1f - p[i];
        }
        return p;
      }

      @Override
      public boolean guarantees(MaskProperty property, ImageShape shape, int patch) {
        return original.guarantees(property, shape, patch);
      }

      @Override
      public MaskStrategy complement() {
        return original;
      }
    };
  }

  /** The pattern as a (1, C, H, W) array that broadcasts over a batch. */
  default NDArray array(NDManager manager, ImageShape shape) {
    return manager.create(pattern(shape), new Shape(1, shape.channels(), shape.height(), shape.width()));
  }
}
