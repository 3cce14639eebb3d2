package org.attnflow.models.config;

import ai.djl.Device;
import com.typesafe.config.ConfigFactory;
import org.attnflow.api.config.Settings;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.PluginKind;
import org.attnflow.models.Conditioning;
import org.attnflow.models.ModelFactory;

/**
 * A run's configuration resolved once, the value the command line, the trainer and the data
 * pipeline read: the whole configuration with every plugin block completed (the model's and the
 * dataset's, nested blocks included) and the train block's schedule completed, the model block, the
 * training settings, the data block and the device. A run saves {@link #config()}, so it rebuilds the same model and reads the same data
 * even if a default changes later.
 *
 * @param config the configuration with its plugin blocks completed
 * @param model its {@code model} block
 * @param train its {@code train} block, read and checked
 * @param data its {@code data} block (keys checked against the reference, dataset completed);
 *     empty when no data module declares one, as in the model module's own tests
 * @param device the device named by {@code device}
 */
public record ResolvedRun(RunConfig config, Settings model, TrainSettings train, Settings data, Device device) {

  /** Completes and reads {@code config} with the plugins of {@code registry}. */
  public static ResolvedRun of(RunConfig config, Registry registry) {
    RunConfig complete = config.with("model", new ModelFactory(registry).completed(config.block("model")));
    if (complete.config().hasPath("data.dataset")) {
      Settings data = complete.block("data");
      complete = complete.with("data", data.with("dataset", registry.complete(PluginKind.DATASET, data.block("dataset"))));
    }
    Settings train = complete.block("train");
    complete = complete.with("train", train.with("schedule", LearningRateSchedule.completed(train.block("schedule"))));
    Settings root = Settings.root(complete.config());
    Settings data = root.has("data") ? root.block("data") : new Settings(ConfigFactory.empty().root(), "data");
    TrainSettings settings = TrainSettings.of(root.block("train"));
    if (settings.classDropout() > 0 && Conditioning.classes(root.block("model")) == 0) {
      throw root.block("train").error("class-dropout", "expected 0 for an unconditional model (model.classes = 0), found "
          + settings.classDropout() + ": only a class-conditional model has classes to drop");
    }
    return new ResolvedRun(complete, root.block("model"), settings, data, Devices.resolve(root));
  }
}
