package org.attnflow.data;

import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.data.pipeline.Augmentation;
import org.attnflow.data.pipeline.Dequantisation;
import org.attnflow.data.pipeline.GaussianNoise;
import org.attnflow.data.pipeline.InMemoryDataPipeline;
import org.attnflow.data.pipeline.PaddedImages;
import org.attnflow.data.pipeline.PixelNoise;

/**
 * Builds the data pipeline of a run from its {@code data} block (documented in this module's
 * {@code reference.conf}): opens the dataset through its plugin, pads the images once in memory
 * and serves training and test batches prepared on a background thread. The block comes as a
 * run's configuration resolves it: keys checked against the reference, absent ones filled in,
 * the dataset block completed; this class checks the values.
 */
public final class DataPipelines {
  private DataPipelines() {}

  /** Opens the dataset described by {@code data.dataset} and returns its pipeline. */
  public static DataPipeline create(Settings data, Registry registry) {
    Options options = Options.of(data);
    DatasetSplits splits = open(data, registry);
    PaddedImages train = PaddedImages.of(splits.train(), options.pad(), options.trainLimit());
    PaddedImages test = PaddedImages.of(splits.test(), options.pad(), 0);
    return new InMemoryDataPipeline(splits.train().source(), train, test, new Augmentation(train.shape(), options.flip(), options.shift()),
        options.noise(), options.prefetch());
  }

  /** Checks the data block's values as {@link #create} does, without opening the dataset. */
  public static void validate(Settings data) {
    Options.of(data);
  }

  /**
   * The σ of the data block's Gaussian noise ({@code data.noise { type = gaussian, sigma = … }}),
   * or empty under uniform dequantisation.
   */
  public static OptionalDouble gaussianSigma(Settings data) {
    Settings noise = data.block("noise");
    return pixelNoise(data) instanceof GaussianNoise ? OptionalDouble.of(noise.number("sigma")) : OptionalDouble.empty();
  }

  /** What the data block's noise is, as outputs name it: "uniform dequantisation", "Gaussian noise σ = 0.05". */
  public static String noiseDescription(Settings data) {
    return pixelNoise(data).description();
  }

  /** The zero padding the data block asks for. */
  static int pad(Settings data) {
    return Options.of(data).pad();
  }

  /** Opens both splits of {@code data.dataset} through its plugin; they must be of one shape. */
  static DatasetSplits open(Settings data, Registry registry) {
    DatasetSplits splits = registry.create(
        PluginKind.DATASET,
        BuildContext.at(data.block("dataset"), null, new Random(0), registry));
    if (!splits.train().shape().equals(splits.test().shape())) {
      throw data.error("dataset", "expected training and test images of one shape, found "
          + splits.train().shape() + " in " + splits.train().source() + " and "
          + splits.test().shape() + " in " + splits.test().source());
    }
    return splits;
  }

  /** The noise of the {@code noise} block: {@code type = uniform}, or {@code type = gaussian} with its {@code sigma}. */
  private static PixelNoise pixelNoise(Settings data) {
    Settings noise = data.block("noise");
    if (noise.choice("type", "uniform", "gaussian").equals("uniform")) {
      noise.requireKnownKeys(Set.of("type"), "uniform dequantisation");
      return Dequantisation.UNIFORM;
    }
    noise.requireKnownKeys(Set.of("type", "sigma"), "Gaussian noise");
    if (!noise.has("sigma")) {
      throw noise.error("type", "Gaussian noise needs its standard deviation: add sigma (TarFlow's 0.05 on [−1, 1] is sigma = 0.025 here)");
    }
    double sigma = noise.number("sigma");
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw noise.error("sigma", "expected a finite σ > 0, found " + sigma);
    }
    return new GaussianNoise(sigma);
  }

  /** The data block's values, checked. */
  private record Options(int pad, boolean flip, int shift, int prefetch, int trainLimit, PixelNoise noise) {
    static Options of(Settings data) {
      return new Options(data.integerAtLeast("pad", 0), data.bool("flip"), data.integerAtLeast("shift", 0),
          data.integerAtLeast("prefetch", 1), data.integerAtLeast("train-limit", 0), pixelNoise(data));
    }
  }
}
