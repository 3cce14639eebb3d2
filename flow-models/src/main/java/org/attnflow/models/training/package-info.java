/**
 * Training by maximum likelihood: the loop with warm-up, clipping, evaluation, sampling and
 * checkpoints, resume and divergence handling, the Adam and Adamax optimiser, what a run
 * reports as it goes, and the scorer of its samples that the application provides (train.fid).
 */
package org.attnflow.models.training;
