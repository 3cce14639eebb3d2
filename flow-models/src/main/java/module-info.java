/**
 * Assembling flows from configuration through the registry (multi-scale Glow and friends), the
 * training loop, evaluation, sampling, checkpoints, the Guice bindings, and the Fréchet distance
 * between feature statistics of generated and real images ({@code org.attnflow.models.fid}).
 */
module org.attnflow.models {
  requires transitive org.attnflow.api;
  requires com.google.guice;
  requires jakarta.inject;
  requires ejml.core;
  requires ejml.ddense;

  exports org.attnflow.models;
  exports org.attnflow.models.fid;

  opens org.attnflow.models to com.google.guice;
}
