package org.attnflow.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Random;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.spi.PluginKind;
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
    Options options = options(data, registry);
    Settings settings = options.settings();
    DatasetSplits splits = registry.create(
        PluginKind.DATASET,
        BuildContext.at(settings.block("dataset"), null, new Random(0), registry));
    if (!splits.train().shape().equals(splits.test().shape())) {
      throw settings.error("dataset", "expected training and test images of one shape, found "
          + splits.train().shape() + " in " + splits.train().source() + " and "
          + splits.test().shape() + " in " + splits.test().source());
    }
    PaddedImages train = PaddedImages.of(splits.train(), options.pad(), options.trainLimit());
    PaddedImages test = PaddedImages.of(splits.test(), options.pad(), 0);
    return new InMemoryDataPipeline(train, test, new Augmentation(train.shape(), options.flip(), options.shift()),
        options.prefetch());
  }

  /**
   * Checks the data block as {@link #create} does, without opening the dataset: its keys and
   * values, and the dataset block's type and keys (the dataset plugin checks its values when it opens the files).
   */
  public static void validate(Settings data, Registry registry) {
    options(data, registry);
  }

  /** The data block's values, checked, and the block completed with the defaults. */
  private record Options(Settings settings, int pad, boolean flip, int shift, int prefetch, int trainLimit) {}

  private static Options options(Settings data, Registry registry) {
    Config reference = ConfigFactory.defaultReference(DataPipelines.class.getClassLoader()).getConfig("data");
    data.requireKnownKeys(reference.root().keySet(), "the data block");
    Settings settings = data.withDefaults(reference);
    Options options = new Options(settings, settings.integer("pad", 0), settings.bool("flip"), settings.integer("shift", 0),
        settings.integer("prefetch", 1), settings.integer("train-limit", 0));
    registry.complete(PluginKind.DATASET, settings.block("dataset"));
    return options;
  }
}
