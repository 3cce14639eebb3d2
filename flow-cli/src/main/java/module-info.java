/** The {@code attnflow} command: train, evaluate, sample, reconstruct, score (fid), check, list plugins and serve runs as web pages. */
module org.attnflow.cli {
  requires org.attnflow.api;
  requires org.attnflow.models;
  requires org.attnflow.data;
  requires com.google.guice;
  requires org.apache.commons.cli;
  requires java.desktop;
  requires jdk.httpserver;
  requires ai.djl.pytorch_engine;
  requires com.sun.jna;
  requires com.google.gson;

  uses org.attnflow.models.training.Collective;

  opens org.attnflow.cli.common to com.google.guice;
}
