/**
 * Assembling flows from configuration through the registry (multi-scale Glow and friends), the
 * training loop, evaluation, sampling, checkpoints, the Guice bindings and
 * the plan and statistics of seeded studies.
 */
module org.attnflow.models {
  requires transitive org.attnflow.api;
  requires com.google.guice;
  requires jakarta.inject;
  requires commons.math3;

  exports org.attnflow.models;
  exports org.attnflow.models.study;

  opens org.attnflow.models to com.google.guice;
}
