/** Reusable checks for authors of flow layers: round trip, brute-force log-det, save/load. */
module org.attnflow.testkit {
  requires transitive org.attnflow.api;
  requires org.junit.jupiter.api;

  exports org.attnflow.testkit;
}
