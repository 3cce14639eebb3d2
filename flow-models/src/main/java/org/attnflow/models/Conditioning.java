package org.attnflow.models;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.DataPipeline;

/**
 * How data conditions a class-conditional model ({@code model.classes > 0}): the data must be
 * labelled with as many classes, and each pass over a batch is conditioned on its labels.
 */
public final class Conditioning {
  private Conditioning() {}

  /** The number of classes the resolved {@code model} block asks for, 0 for an unconditional model. */
  public static int classes(Settings model) {
    return model.has("classes") ? model.integerAtLeast("classes", 0) : 0;
  }

  /**
   * The class names of {@code data} for the model of the resolved {@code model} block: empty for an
   * unconditional model. A class-conditional one needs labelled data of as many classes, or it is a
   * configuration error at {@code model.classes} naming the dataset.
   */
  public static Optional<List<String>> requireLabels(Settings model, DataPipeline data) {
    int classes = classes(model);
    if (classes == 0) {
      return Optional.empty();
    }
    List<String> names = data.classNames().orElseThrow(() -> model.error("classes", "a class-conditional model (classes = "
        + classes + ") needs labelled data, but the dataset " + data.source()
        + " has no labels (both splits need labels of the same classes), so set classes = 0 or give the dataset its labels"));
    if (names.size() != classes) {
      throw model.error("classes", "expected the number of classes of the dataset " + data.source() + ", found classes = "
          + classes + " but the dataset has " + names.size() + " classes");
    }
    return Optional.of(names);
  }

  /**
   * The condition of {@code batch}'s labels for {@code model}, or null for an unconditional model;
   * its array lives in {@code manager}.
   */
  public static Condition of(FlowModel model, Batch batch, NDManager manager) {
    return model.isConditional() ? of(model, labels(model, batch), manager) : null;
  }

  /** The condition "image i has class labels[i]" for {@code model}, or null for an unconditional model. */
  public static Condition of(FlowModel model, int[] labels, NDManager manager) {
    return model.isConditional() ? Condition.ofClasses(manager, labels, model.classes()) : null;
  }

  /** The labels of {@code batch}, which a class-conditional {@code model} needs. */
  public static int[] labels(FlowModel model, Batch batch) {
    return batch.classes().orElseThrow(() -> new IllegalStateException(
        "the model is class-conditional (model.classes = " + model.classes() + "), but the batch has no labels"));
  }

  /** {@code pass}, conditioned on the labels of {@code batch} when the model is class-conditional. */
  public static FlowPass pass(FlowPass pass, FlowModel model, Batch batch, NDManager manager) {
    return on(pass, of(model, batch, manager));
  }

  /** {@code pass} conditioned on {@code condition}, or left unconditioned when it is null (an unconditional model). */
  public static FlowPass on(FlowPass pass, Condition condition) {
    return condition == null ? pass : pass.conditionedOn(condition);
  }
}
