/**
 * Assembling flows from configuration through the registry (multi-scale Glow and friends), the
 * training loop, evaluation, sampling, checkpoints, the Guice bindings, the Fréchet distance
 * between feature statistics of generated and real images ({@code org.attnflow.models.fid}), and
 * the plan and statistics of seeded studies ({@code org.attnflow.models.study}).
 */
module org.attnflow.models {
  requires transitive org.attnflow.api;
  requires com.google.guice;
  requires jakarta.inject;
  requires ejml.core;
  requires ejml.ddense;
  requires commons.math3;

  exports org.attnflow.models;
  exports org.attnflow.models.fid;
  exports org.attnflow.models.study;

  opens org.attnflow.models to com.google.guice;
}
