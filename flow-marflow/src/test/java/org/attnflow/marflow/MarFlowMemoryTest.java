package org.attnflow.marflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.junit.jupiter.api.Test;

/**
 * What a MaRFlow prior leaves alive in its caller's scope: an evaluation batch (or a sampling batch)
 * holds its arrays until it ends, so a prior that left every time step's gates and states there
 * held C·layers steps' worth of activations at once (6.2 GB resident evaluating marflow32 at
 * batch 500). A log-likelihood must leave only its result, and a sample no gate or activation.
 */
class MarFlowMemoryTest {
  private static final MarFlowOptions OPTIONS = new MarFlowOptions(3, 4, 3, 1, 3);

  @Test
  void aLikelihoodLeavesOnlyItsResultAlive() {
    assertEquals(0, liveArraysAfter(2, false), "arrays left alive by the log-likelihood of 2 channels");
    assertEquals(0, liveArraysAfter(8, false), "arrays left alive by the log-likelihood of 8 channels");
  }

  @Test
  void samplingLeavesArraysOfTheStatesOnlyAsLongAsTheyAreUsed() {
    // The superseded states of each channel stay until the sample returns (2 per layer and
    // channel); every gate and activation of a step is freed with the step.
    int few = liveArraysAfter(2, true);
    int many = liveArraysAfter(8, true);
    int perChannel = 2 * OPTIONS.layers() + 3;
    assertTrue(many - few <= 6 * perChannel, "sampling left " + (many - few) + " more arrays for 6 more channels");
  }

  /** The arrays alive in a fresh manager after one log-likelihood (or one sample) of a C-channel latent, within an open scope. */
  private static int liveArraysAfter(int channels, boolean sample) {
    ImageShape latent = new ImageShape(channels, 4, 4);
    ImageShape condition = new ImageShape(2, 4, 4);
    try (NDManager manager = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
      MarFlowPrior prior = Priors.create(manager, latent, condition, OPTIONS, 1);
      Priors.randomize(prior, 2, 0.3);
      NDArray u = new Noise(3).normal(manager, condition.batched(2));
      NDArray z = new Noise(4).normal(manager, latent.batched(2));
      int before = ((BaseNDManager) manager).getManagedArrays().size();
      NDArray result = sample
          ? prior.sample(manager, u, 2, FlowPass.sampling(1.0, new Noise(5)))
          : prior.logProb(z, u, FlowPass.encoding());
      int left = ((BaseNDManager) manager).getManagedArrays().size() - before - 1;
      assertTrue(Float.isFinite(result.sum().getFloat()));
      return left;
    }
  }
}
