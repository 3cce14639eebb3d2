package org.attnflow.cli.study;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.api.Frozen;
import org.attnflow.cli.common.Session;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Sampler;
import org.attnflow.models.run.RunDirectory;

/**
 * What a study measures of a finished run in its own JVM, one run at a time with every core: the
 * model's free parameters, counted on the model built from the run's {@code config.conf} and
 * loaded from its newest checkpoint (the number {@code train} prints), and its sampling
 * throughput.
 *
 * @param parameters free trainable parameters
 * @param sampleImagesPerSecond images per second drawn at {@link #TEMPERATURE} (NaN when sampling failed)
 * @param problem why sampling failed (empty when it did not)
 */
public record RunMeasurement(long parameters, double sampleImagesPerSecond, String problem) {
  private static final int BATCH = 64;
  private static final int TIMED_BATCHES = 10;
  private static final double TEMPERATURE = 0.7;

  /** How the sampling throughput is measured, for the report. */
  static final String METHOD = "measured by the study after training, one run at a time with the study's own engine threads"
      + " (OMP_NUM_THREADS, else every core), as " + TIMED_BATCHES + " batches of " + BATCH + " at T = " + TEMPERATURE
      + " after one batch of warm-up, from each run's newest checkpoint. On a busy machine, more threads than free cores"
      + " make it much slower.";

  /** Measures the finished run in {@code dir}; plugins come from {@code plugins} when given. */
  public static RunMeasurement of(RunDirectory dir, Optional<Path> plugins) {
    Path checkpoint = dir.newestCheckpoint(damaged -> {})
        .orElseThrow(() -> new FlowException(dir.root() + " holds no valid checkpoint"));
    Session session = Session.ofRun(dir, List.of(), plugins);
    try (NDManager manager = session.manager()) {
      FlowModel model = session.load(checkpoint, manager).model();
      try (Frozen frozen = model.freeze()) {
        Sampler.sample(model, manager, BATCH, TEMPERATURE, 0);
        long begin = System.nanoTime();
        for (int i = 1; i <= TIMED_BATCHES; i++) {
          Sampler.sample(model, manager, BATCH, TEMPERATURE, i);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new RunMeasurement(model.freeParameterCount(), TIMED_BATCHES * BATCH / seconds, "");
      } catch (FlowException failure) {
        return new RunMeasurement(model.freeParameterCount(), Double.NaN, "sampling failed: " + failure.getMessage());
      }
    }
  }
}
