/**
 * The Glow layers and priors (ActNorm, invertible 1×1 convolutions, affine and additive coupling,
 * squeeze, split, permutations, Gaussian priors), the coupling networks (Glow's and Flow++'s)
 * and the convolution building block the attention and mAR-SCF modules share.
 */
package org.attnflow.layers;
