/**
 * The Glow layers and priors (ActNorm, invertible 1×1 convolutions, affine and additive coupling,
 * squeeze, split, permutations, Gaussian priors), the coupling networks (Glow's and Flow++'s),
 * the convolution building block the attention and mAR-SCF modules share, and the blocks by
 * which a layer and a prior take the class in a class-conditional model ({@link
 * org.attnflow.layers.ClassEmbedding}, {@link org.attnflow.layers.ClassConditionalPrior}).
 */
package org.attnflow.layers;
