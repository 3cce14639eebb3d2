package org.attnflow.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Random;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.registry.PluginKind;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.data.pipeline.Augmentation;
import org.attnflow.data.pipeline.InMemoryDataPipeline;
import org.attnflow.data.pipeline.PaddedImages;

/**
 * Builds the data pipeline of a run from its {@code data} block (documented in this module's
 * {@code reference.conf}): opens the dataset through its plugin, pads the images once in memory
 * and serves training and test batches prepared on a background thread.
 */
public final class DataPipelines {
  private DataPipelines() {}

  /**
   * Opens the dataset described by {@code data.dataset} and returns its pipeline. Keys of the
   * data block that are absent take the defaults of {@code reference.conf}; unknown keys fail
   * with the list of known ones.
   */
  public static DataPipeline create(Settings data, Registry registry) {
    Settings settings = withDefaults(data);
    int pad = settings.integer("pad", 0);
    boolean flip = settings.bool("flip");
    int shift = settings.integer("shift", 0);
    int prefetch = settings.integer("prefetch", 1);
    int trainLimit = settings.integer("train-limit", 0);
    DatasetSplits splits = open(settings, registry);
    PaddedImages train = PaddedImages.of(splits.train(), pad, trainLimit);
    PaddedImages test = PaddedImages.of(splits.test(), pad, 0);
    return new InMemoryDataPipeline(train, test, new Augmentation(train.shape(), flip, shift), prefetch);
  }

  /** The data block with the defaults of {@code reference.conf}; unknown keys fail with the list of known ones. */
  static Settings withDefaults(Settings data) {
    Config reference = ConfigFactory.defaultReference(DataPipelines.class.getClassLoader()).getConfig("data");
    data.requireKnownKeys(reference.root().keySet(), "the data block");
    return data.withDefaults(reference);
  }

  /** Opens both splits of {@code data.dataset} through its plugin; they must be of one shape. */
  static DatasetSplits open(Settings settings, Registry registry) {
    DatasetSplits splits = registry.create(
        PluginKind.DATASET,
        new BuildContext(settings.block("dataset"), null, null, 0, new Random(0), registry));
    if (!splits.train().shape().equals(splits.test().shape())) {
      throw settings.error("dataset", "expected training and test images of one shape, found "
          + splits.train().shape() + " in " + splits.train().source() + " and "
          + splits.test().shape() + " in " + splits.test().source());
    }
    return splits;
  }
}
