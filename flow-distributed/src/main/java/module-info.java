/**
 * Data-parallel training across processes and machines: the gradient all-reduce of XGBoost's
 * collective (Rabit), as a {@link org.attnflow.models.training.Collective} found by the command
 * line. Optional: the core and the quickstart run without it. XGBoost4J has no usable module name
 * and stays on the class path, which this module reads.
 */
module org.attnflow.distributed {
  requires org.attnflow.models;

  provides org.attnflow.models.training.Collective with org.attnflow.distributed.XGBoostCollective;
}
