package org.attnflow.attention;

/**
 * The additive mask of causal attention between n tokens: a large negative number where the
 * column (the attended token) comes after the row, so that its softmax weight is exactly 0, and 0
 * elsewhere.
 */
final class CausalMask {
  /** Added to the logits of later tokens. */
  static final float MASKED_LOGIT = -1e9f;

  private CausalMask() {}

  /** The n×n mask, row-major. */
  static float[] of(int n) {
    float[] mask = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        mask[i * n + j] = MASKED_LOGIT;
      }
    }
    return mask;
  }
}
