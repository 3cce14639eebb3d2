package org.attnflow.models.fid;

import ai.djl.ndarray.NDManager;
import org.attnflow.api.Frozen;
import org.attnflow.models.FlowModel;
import org.attnflow.models.SampleFinish;
import org.attnflow.models.SampledImages;

/**
 * The Fréchet distance between a model's samples and real images' statistics in a feature
 * network's space: the one computation behind {@code attnflow fid} and {@code train.fid}.
 */
public final class SampleScore {
  private SampleScore() {}

  /**
   * The distance between the features of {@code n} samples of {@code model} at {@code temperature}
   * (drawn in batches of {@code batchSize} from {@code seed}, see {@link SampledImages}, each batch
   * finished by {@code finish}, for example a {@link org.attnflow.models.Denoiser}) and
   * {@code reference}.
   */
  public static FrechetDistance.Result of(FlowModel model, FeatureNetwork network, FeatureStatistics reference, int n,
      double temperature, int batchSize, long seed, SampleFinish finish, NDManager manager) {
    FeatureStatistics generated;
    try (Frozen frozen = model.freeze()) {
      generated = network.statistics(new SampledImages(model, manager, n, temperature, batchSize, seed).finishedBy(finish), manager);
    }
    return FrechetDistance.between(generated, reference);
  }
}
