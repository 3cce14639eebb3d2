package org.attnflow.attention;

/** How iTrans adds the identity to the attention matrix A to make W invertible. */
enum IdentityTerm {
  /** W = A + λI with a fixed λ ≥ 1 (the paper's form has λ = 1). */
  FIXED_LAMBDA,
  /** W = A + λI with λ = 1 + softplus(ρ) &gt; 1, ρ learned. */
  LEARNED_LAMBDA,
  /** W = I + σ(r)·A with r learned (docs/maths.md, "iTrans"). */
  GATE
}
