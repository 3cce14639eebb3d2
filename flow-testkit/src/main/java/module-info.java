/** Reusable checks for authors of flow layers (round trip, brute-force log-det, save/load) and small dataset fixtures. */
module org.attnflow.testkit {
  requires transitive org.attnflow.api;
  requires org.junit.jupiter.api;
  requires java.desktop;

  exports org.attnflow.testkit;
}
