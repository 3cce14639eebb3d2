package org.attnflow.models.fid;

import java.util.List;
import org.attnflow.api.config.Settings;

/**
 * The {@code features} block (documented in this module's {@code reference.conf}): the feature
 * classifier {@code attnflow features train} trains, read and checked once.
 *
 * @param name its name; scores with it are {@code FD_<name>}
 * @param widths the channels of each convolution
 * @param dimension the number of features
 * @param steps optimisation steps
 * @param batchSize images per step
 * @param learningRate Adam's learning rate
 * @param seed seed of the initial weights and of the order of the training images
 */
public record ClassifierSettings(String name, List<Integer> widths, int dimension, long steps, int batchSize,
    double learningRate, long seed) {

  /** Reads and checks the block. */
  public static ClassifierSettings of(Settings f) {
    if (!f.has("name")) {
      throw f.error("name", "expected the network's name (scores with it are FD_<name>), for example fmnist-cnn");
    }
    String name = f.string("name");
    if (!name.matches(FeatureNetwork.NAME_PATTERN)) {
      throw f.error("name", "expected 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, found \"" + name + "\"");
    }
    if (name.equals(FeatureNetwork.PYTORCH_FID_INCEPTION)) {
      throw f.error("name", "\"" + name + "\" names pytorch-fid's Inception-v3 (docs/fid.md); choose a name of your own");
    }
    List<Integer> widths = f.integers("widths");
    if (widths.isEmpty() || widths.stream().anyMatch(w -> w < 1)) {
      throw f.error("widths", "expected one positive channel count per convolution, found " + widths);
    }
    double learningRate = f.number("learning-rate");
    if (!(learningRate > 0)) {
      throw f.error("learning-rate", "expected a positive number, found " + learningRate);
    }
    return new ClassifierSettings(name, widths, f.integerAtLeast("dimension", 2), f.integerAtLeast("steps", 1),
        f.integerAtLeast("batch-size", 1),
        learningRate, f.longValue("seed"));
  }
}
