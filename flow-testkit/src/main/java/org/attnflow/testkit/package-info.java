/**
 * Assertions for layer authors: the round trip, the log-determinant against a brute-force
 * Jacobian, saving and loading, and frozen blocks, as the framework checks its own layers.
 */
package org.attnflow.testkit;
