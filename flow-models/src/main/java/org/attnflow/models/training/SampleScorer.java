package org.attnflow.models.training;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.attnflow.models.FlowModel;

/**
 * Scores a model's samples against real images at the evaluation points of a run with
 * {@code train.fid}: the Fréchet distance in a feature network's space. The application provides
 * it, since the real images' statistics come from the dataset, which this module does not read.
 */
public interface SampleScorer {

  /**
   * A score.
   *
   * @param metric its name: FID or FD_ and the feature network's name
   * @param value the distance
   * @param warnings why it may be unreliable; empty when it is not
   */
  record Score(String metric, double value, List<String> warnings) {
    /** Copies the warnings. */
    public Score {
      warnings = List.copyOf(warnings);
    }
  }

  /** The score of the frozen {@code model}'s samples, as the run's {@code train.fid} block asks. */
  Score score(FlowModel model, NDManager manager);
}
