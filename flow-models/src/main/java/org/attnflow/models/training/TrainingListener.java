package org.attnflow.models.training;

import java.nio.file.Path;
import java.util.Map;
import org.attnflow.models.Evaluation;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;

/** What a training run reports as it goes; the command line turns it into progress and pictures. */
public interface TrainingListener {

  /** Training starts (or resumes) at {@code firstStep} and ends at {@code lastStep}. */
  default void started(long firstStep, long lastStep, FlowModel model) {}

  /**
   * A step finished.
   *
   * @param step the number of completed steps
   * @param bpd the batch's training bits/dim
   * @param imagesPerSecond throughput of this step
   */
  default void stepped(long step, double bpd, double imagesPerSecond) {}

  /** The samples of the evaluation at {@code step} were scored ({@code train.fid}); comes before {@link #evaluated}. */
  default void scored(long step, SampleScorer.Score score) {}

  /** An evaluation finished, with a sample grid per temperature. */
  default void evaluated(long step, Evaluation evaluation, Map<Double, Images> samples) {}

  /** A checkpoint was written. */
  default void checkpointed(long step, Path file) {}

  /**
   * Something went wrong that the run survives and the user should know: a damaged checkpoint
   * skipped, a stale lock taken over, a failed sampling or scoring.
   */
  default void warned(String message) {}
}
