package org.attnflow.models.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.attnflow.api.config.Settings;

/**
 * The {@code train} block, read and checked once.
 *
 * @param steps number of optimisation steps
 * @param batchSize images per training batch
 * @param rule adam or adamax
 * @param schedule the learning rate of every step: warm-up, peak and decay
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay
 * @param epsilon Adam's epsilon
 * @param clipGradNorm global gradient-norm limit (0 = none)
 * @param weightDecay decoupled weight decay per unit of learning rate (0 = none)
 * @param emaDecay the decay of the exponential moving average of the weights; empty when none is kept
 * @param accumulate micro-batches per optimisation step, each of {@code batchSize / accumulate} images
 * @param seed seed of data order, augmentation, noise and dropout
 * @param logEvery steps between metrics rows
 * @param evalEvery steps between evaluations (0 = none)
 * @param evalAtStart whether to evaluate before the first step
 * @param evalLimit test images per evaluation (0 = all)
 * @param evalBatchSize images per evaluation batch
 * @param checkpointEvery steps between numbered checkpoints (0 = none)
 * @param saveEvery the longest wall-clock time between writes of the latest checkpoint (zero = only at evaluations and at the end)
 * @param sampleTemperatures temperatures of the sample grids
 * @param samples samples per grid
 * @param divergenceBpd bits/dim above which a training batch or an evaluation counts as divergence
 * @param fid the scoring of samples at evaluation points; empty when {@code train.fid.every} is 0
 * @param classDropout the probability that a training image's class is replaced by "no class" (classifier-free guidance; 0 = never)
 */
public record TrainSettings(
    long steps,
    int batchSize,
    OptimizerRule rule,
    LearningRateSchedule schedule,
    double beta1,
    double beta2,
    double epsilon,
    double clipGradNorm,
    double weightDecay,
    OptionalDouble emaDecay,
    int accumulate,
    long seed,
    long logEvery,
    long evalEvery,
    boolean evalAtStart,
    int evalLimit,
    int evalBatchSize,
    long checkpointEvery,
    Duration saveEvery,
    List<Double> sampleTemperatures,
    int samples,
    double divergenceBpd,
    Optional<Fid> fid,
    double classDropout) {

  /**
   * The {@code train.fid} block: the Fréchet distance of samples at evaluation points.
   *
   * @param every score at evaluations whose step is a multiple of this, and at the last step
   * @param features the feature network file
   * @param n samples per score
   * @param temperature their temperature
   * @param reference the real images: the train or test split
   * @param batchSize images per batch, for sampling and for the network
   */
  public record Fid(long every, Path features, int n, double temperature, String reference, int batchSize) {
    private static final Set<String> KEYS = Set.of("every", "features", "n", "temperature", "reference", "batch-size");

    /** The block's scoring, or none when {@code every} is 0; {@code evalEvery} is the run's train.eval-every. */
    static Optional<Fid> of(Settings f, long evalEvery) {
      f.requireKnownKeys(KEYS, "the train.fid block");
      long every = f.integerAtLeast("every", 0);
      if (every == 0) {
        return Optional.empty();
      }
      if (evalEvery == 0 || every % evalEvery != 0) {
        throw f.error("every", "expected a multiple of train.eval-every = " + evalEvery + " (scores are taken at evaluations), found " + every);
      }
      Path features = f.has("features") ? Path.of(f.string("features")) : null;
      if (features == null || !Files.isRegularFile(features)) {
        throw f.error("features", "expected the feature network file (TorchScript, or a classifier from attnflow features train), found "
            + (features == null ? "none" : "no file at " + features));
      }
      double temperature = f.number("temperature");
      if (!(temperature >= 0)) {
        throw f.error("temperature", "expected a number ≥ 0, found " + temperature);
      }
      return Optional.of(new Fid(every, features, f.integerAtLeast("n", 2), temperature, f.choice("reference", "train", "test"),
          f.integerAtLeast("batch-size", 1)));
    }

    /** Whether to score the evaluation after {@code step} completed steps of {@code steps}. */
    public boolean scoresAt(long step, long steps) {
      return step % every == 0 || step == steps;
    }
  }

  /** Reads and checks the block. */
  public static TrainSettings of(Settings t) {
    return new TrainSettings(
        t.integerAtLeast("steps", 0),
        t.integerAtLeast("batch-size", 1),
        OptimizerRule.valueOf(t.choice("optimizer", "adam", "adamax").toUpperCase()),
        LearningRateSchedule.of(t),
        decay(t, "beta1"),
        decay(t, "beta2"),
        positive(t, "epsilon"),
        atLeastZero(t, "clip-grad-norm"),
        atLeastZero(t, "weight-decay"),
        emaDecay(t, "ema-decay"),
        accumulate(t, "accumulate"),
        t.longValue("seed"),
        t.integerAtLeast("log-every", 1),
        t.integerAtLeast("eval-every", 0),
        t.bool("eval-at-start"),
        t.integerAtLeast("eval-limit", 0),
        t.integerAtLeast("eval-batch-size", 1),
        t.integerAtLeast("checkpoint-every", 0),
        t.duration("save-every"),
        temperatures(t, "sample-temperatures"),
        t.integerAtLeast("samples", 1),
        positive(t, "divergence-bpd"),
        Fid.of(t.block("fid"), t.integerAtLeast("eval-every", 0)),
        probability(t, "class-dropout"));
  }

  /** Whether to evaluate after {@code step} completed steps. */
  public boolean evaluatesAt(long step) {
    if (evalEvery == 0) {
      return false;
    }
    return step == 0 ? evalAtStart : step % evalEvery == 0 || step == steps;
  }

  /** The images of one micro-batch: {@code batchSize / accumulate}. */
  public int microBatchSize() {
    return batchSize / accumulate;
  }

  private static OptionalDouble emaDecay(Settings t, String key) {
    if (!t.has(key)) {
      return OptionalDouble.empty();
    }
    double v = t.number(key);
    if (!(v > 0 && v < 1)) {
      throw t.error(key, "expected a decay rate in (0, 1), such as 0.999, or null for no average, found " + v);
    }
    return OptionalDouble.of(v);
  }

  private static int accumulate(Settings t, String key) {
    int k = t.integerAtLeast(key, 1);
    int batch = t.integerAtLeast("batch-size", 1);
    if (batch % k != 0) {
      throw t.error(key, "expected a divisor of train.batch-size = " + batch + " (micro-batches of equal size), found " + k);
    }
    return k;
  }

  private static double decay(Settings t, String key) {
    double v = t.number(key);
    if (!(v >= 0 && v < 1)) {
      throw t.error(key, "expected a decay rate in [0, 1), found " + v);
    }
    return v;
  }

  private static double atLeastZero(Settings t, String key) {
    double v = t.number(key);
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw t.error(key, "expected a finite number ≥ 0, found " + v);
    }
    return v;
  }

  private static List<Double> temperatures(Settings t, String key) {
    List<Double> all = t.numbers(key);
    for (int i = 0; i < all.size(); i++) {
      if (!(all.get(i) >= 0) || Double.isInfinite(all.get(i))) {
        throw t.error(key, "expected temperatures ≥ 0, found " + all.get(i) + " at index " + i);
      }
    }
    return all;
  }

  private static double probability(Settings t, String key) {
    double v = t.number(key);
    if (!(v >= 0 && v < 1)) {
      throw t.error(key, "expected a probability in [0, 1), found " + v);
    }
    return v;
  }

  private static double positive(Settings t, String key) {
    double v = t.number(key);
    if (!(v > 0)) {
      throw t.error(key, "expected a positive number, found " + v);
    }
    return v;
  }
}
