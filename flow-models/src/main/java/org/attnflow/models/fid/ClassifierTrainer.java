package org.attnflow.models.fid;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.attnflow.api.FlowException;
import org.attnflow.api.data.Labels;
import org.attnflow.models.Images;
import org.attnflow.models.training.Optimizer;
import org.attnflow.models.config.OptimizerRule;

/**
 * Trains a {@link CnnClassifier} on labelled images by minimising the cross-entropy of its logits
 * with Adam, visiting the training images in a new seeded shuffle each epoch, and measures its
 * accuracy on the test images.
 */
public final class ClassifierTrainer {
  private static final int EVALUATION_BATCH = 500;

  private ClassifierTrainer() {}

  /** What training reports as it goes. */
  public interface Progress {
    /** Step {@code step} (1-based) of {@code steps} finished with the batch's mean cross-entropy {@code loss}. */
    void stepped(long step, long steps, double loss);
  }

  /**
   * A classifier trained as {@code settings} say on {@code train} with {@code trainLabels}, on
   * {@code device}, and its manifest with the accuracy on {@code test} with {@code testLabels}.
   */
  public static CnnClassifier.WithManifest train(ClassifierSettings settings, Images train, Labels trainLabels, Images test,
      Labels testLabels, Device device, Progress progress) {
    requireLabelled(train, trainLabels, "training");
    requireLabelled(test, testLabels, "test");
    if (!testLabels.names().equals(trainLabels.names())) {
      throw new FlowException("the test split's classes " + testLabels.names() + " are not the training split's " + trainLabels.names());
    }
    CnnArchitecture architecture = new CnnArchitecture(train.shape(), settings.widths(), settings.dimension(), trainLabels.classes());
    CnnClassifier classifier = CnnClassifier.create(architecture, settings.seed(), device);
    try {
      Optimizer optimizer = new Optimizer(OptimizerRule.ADAM, 0.9, 0.999, 1e-8, classifier.parameters(), classifier.manager());
      SplittableRandom random = new SplittableRandom(settings.seed());
      int[] order = new int[train.count()];
      int next = order.length;
      int[] batch = new int[settings.batchSize()];
      for (long step = 1; step <= settings.steps(); step++) {
        for (int i = 0; i < batch.length; i++) {
          if (next == order.length) {
            shuffle(order, random);
            next = 0;
          }
          batch[i] = order[next++];
        }
        double loss;
        try (NDScope scope = new NDScope()) {
          NDManager manager = classifier.manager();
          NDArray x = select(train, batch).toUnitInterval(manager);
          NDArray target = manager.create(select(trainLabels.values(), batch)).oneHot(architecture.classes());
          NDArray mean;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            mean = classifier.logits(x, true).logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
            gc.backward(mean);
          }
          loss = mean.getFloat();
          optimizer.step(optimizer.gradient(), settings.learningRate(), 1.0, step);
          optimizer.zeroGradients();
        }
        if (!Double.isFinite(loss)) {
          throw new FlowException("step " + step + ": the classifier's training loss is " + loss + "; lower features.learning-rate");
        }
        progress.stepped(step, settings.steps(), loss);
      }
      ClassifierManifest manifest = new ClassifierManifest(settings.name(), architecture, accuracy(classifier, test, testLabels),
          test.count(), settings.steps());
      return new CnnClassifier.WithManifest(classifier, manifest);
    } catch (RuntimeException e) {
      classifier.close();
      throw e;
    }
  }

  /** The fraction of {@code images} whose largest logit is their label. */
  static double accuracy(CnnClassifier classifier, Images images, Labels labels) {
    long correct = 0;
    for (int first = 0; first < images.count(); first += EVALUATION_BATCH) {
      int size = Math.min(EVALUATION_BATCH, images.count() - first);
      int[] indices = new int[size];
      for (int i = 0; i < size; i++) {
        indices[i] = first + i;
      }
      try (NDScope scope = new NDScope()) {
        long[] predicted = classifier.logits(select(images, indices).toUnitInterval(classifier.manager()), false)
            .argMax(1).toLongArray();
        for (int i = 0; i < size; i++) {
          correct += predicted[i] == labels.values()[first + i] ? 1 : 0;
        }
      }
    }
    return (double) correct / images.count();
  }

  private static void requireLabelled(Images images, Labels labels, String split) {
    if (labels.count() != images.count()) {
      throw new FlowException("the " + split + " split has " + images.count() + " images but " + labels.count() + " labels");
    }
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }

  private static Images select(Images images, int[] indices) {
    int size = images.shape().size();
    byte[] pixels = new byte[indices.length * size];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(images.pixels(), indices[i] * size, pixels, i * size, size);
    }
    return new Images(pixels, indices.length, images.shape());
  }

  private static int[] select(int[] values, int[] indices) {
    int[] out = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = values[indices[i]];
    }
    return out;
  }
}
