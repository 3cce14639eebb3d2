/**
 * Flows and what is done with them, a package per job: the model, its assembly from
 * configuration, evaluation and sampling ({@code org.attnflow.models}); a run's configuration
 * resolved once and its Guice bindings ({@code .config}); the run directory, checkpoints, metrics
 * and the one-writer lock ({@code .run}); the training loop and optimiser ({@code .training});
 * the Fréchet distance between feature statistics of generated and real images ({@code .fid});
 * the plan and statistics of seeded studies ({@code .study}).
 */
module org.attnflow.models {
  requires transitive org.attnflow.api;
  requires com.google.guice;
  requires jakarta.inject;
  requires ejml.core;
  requires ejml.ddense;
  requires commons.math3;

  exports org.attnflow.models;
  exports org.attnflow.models.config;
  exports org.attnflow.models.run;
  exports org.attnflow.models.training;
  exports org.attnflow.models.fid;
  exports org.attnflow.models.study;

  opens org.attnflow.models to com.google.guice;
  opens org.attnflow.models.config to com.google.guice;
  opens org.attnflow.models.training to com.google.guice;
}
