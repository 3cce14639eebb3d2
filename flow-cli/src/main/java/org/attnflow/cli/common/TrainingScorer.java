package org.attnflow.cli.common;

import ai.djl.ndarray.NDManager;
import java.util.Optional;
import org.attnflow.api.registry.Registry;
import org.attnflow.models.FlowModel;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.TrainSettings;
import org.attnflow.models.fid.FeatureNetwork;
import org.attnflow.models.fid.FrechetDistance;
import org.attnflow.models.SampleFinish;
import org.attnflow.models.fid.SampleScore;
import org.attnflow.models.training.SampleScorer;

/**
 * Scores a run's samples as its {@code train.fid} block asks, the way {@code attnflow fid} does:
 * the reference statistics of the run's dataset come from the same cache
 * ({@link ReferenceStatistics}), and are kept in memory for the rest of the run. The feature
 * network is loaded for each score and closed after it.
 */
final class TrainingScorer implements SampleScorer {
  private final ResolvedRun run;
  private final Registry registry;
  private Optional<ReferenceStatistics> reference = Optional.empty();

  TrainingScorer(ResolvedRun run, Registry registry) {
    this.run = run;
    this.registry = registry;
  }

  @Override
  public Score score(FlowModel model, NDManager manager) {
    TrainSettings.Fid fid = run.train().fid().orElseThrow(() -> new IllegalStateException("the run has no train.fid to score with"));
    try (FeatureNetwork network = FeatureNetwork.load(fid.features(), manager.getDevice())) {
      ReferenceStatistics real;
      if (reference.isPresent()) {
        real = reference.get();
        network.requireDimension(real.statistics().dimension(), real.describe());
      } else {
        real = ReferenceStatistics.resolve(fid.reference(), network, run.data(), registry, manager, fid.batchSize());
        reference = Optional.of(real);
      }
      FrechetDistance.Result result = SampleScore.of(model, network, real.statistics(), fid.n(), fid.temperature(),
          fid.batchSize(), run.train().seed(), SampleFinish.NONE, manager);
      return new Score(network.metric(), result.value(), result.warnings());
    }
  }
}
