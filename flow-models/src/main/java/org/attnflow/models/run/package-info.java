/**
 * A run directory and what keeps it whole: checkpoints written atomically with a checksum and
 * checked against the run's model, {@code metrics.csv}, the one-writer lock, and the kill points
 * of the fault-injection tests.
 */
package org.attnflow.models.run;
