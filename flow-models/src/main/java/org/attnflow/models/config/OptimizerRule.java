package org.attnflow.models.config;

/** The update rule of the optimiser, chosen by {@code train.optimizer}. */
public enum OptimizerRule {
  /** Adam (Kingma and Ba), bias-corrected moments. */
  ADAM,
  /** Adamax: the infinity-norm variant of Adam. */
  ADAMAX
}
