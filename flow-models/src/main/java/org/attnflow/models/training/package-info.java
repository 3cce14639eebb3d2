/**
 * Training by maximum likelihood: the loop with warm-up, clipping, evaluation, sampling and
 * checkpoints, resume and divergence handling, the Adam and Adamax optimiser, and what a run
 * reports as it goes.
 */
package org.attnflow.models.training;
