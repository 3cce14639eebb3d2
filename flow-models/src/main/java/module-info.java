/**
 * Assembling flows from configuration through the registry (multi-scale Glow and friends), the
 * training loop, evaluation, sampling, checkpoints and the Guice bindings.
 */
module org.attnflow.models {
  requires transitive org.attnflow.api;
  requires com.google.guice;
  requires jakarta.inject;

  exports org.attnflow.models;

  opens org.attnflow.models to com.google.guice;
}
