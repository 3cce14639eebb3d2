package org.attnflow.cli.commands;

import java.util.List;
import org.attnflow.cli.common.UsageException;
import org.attnflow.models.SampleClasses;

/**
 * The classes {@code sample} draws, from {@code --class} and the run's class names: one class (its
 * name, or else its index), every class ({@code all}: one block of rows per class), or, when
 * {@code --class} is left out, none for an unconditional model and class-balanced samples (sample
 * i of class i mod K) for a class-conditional one.
 *
 * @param mode what was asked for
 * @param index the class of {@link Mode#ONE}
 * @param names the run's class names, empty for an unconditional model
 */
record ClassChoice(Mode mode, int index, List<String> names) {
  /** The value of {@code --class} that asks for one block of rows per class. */
  static final String ALL = "all";

  /** What a draw's classes are. */
  enum Mode { NONE, BALANCED, ONE, ALL }

  /**
   * Resolves {@code value} (null when {@code --class} is absent) against {@code names}, the class
   * names of the run's model (empty for an unconditional one).
   *
   * @throws UsageException for {@code --class} on an unconditional model, or a value that is neither
   *     all, a class name nor a class index
   */
  static ClassChoice of(String value, List<String> names) {
    if (value == null) {
      return new ClassChoice(names.isEmpty() ? Mode.NONE : Mode.BALANCED, -1, names);
    }
    if (names.isEmpty()) {
      throw new UsageException("--class: the run's model is unconditional (model.classes = 0), so it has no class to draw;"
          + " leave --class out");
    }
    if (value.equals(ALL)) {
      return new ClassChoice(Mode.ALL, -1, names);
    }
    int index = names.indexOf(value);
    if (index < 0) {
      index = parseIndex(value);
    }
    if (index < 0 || index >= names.size()) {
      throw new UsageException("--class: expected all, a class index 0.." + (names.size() - 1) + " or a class name ("
          + String.join(", ", names) + "), found \"" + value + "\"");
    }
    return new ClassChoice(Mode.ONE, index, names);
  }

  /** The classes of a draw of {@link Mode#NONE}, {@link Mode#BALANCED} or {@link Mode#ONE}; {@code all} draws {@link #only} each. */
  SampleClasses classes() {
    return switch (mode) {
      case NONE -> SampleClasses.NONE;
      case BALANCED -> SampleClasses.balanced(names.size());
      case ONE -> only(index);
      case ALL -> throw new IllegalStateException("--class all draws each class in turn");
    };
  }

  /** Every sample of class {@code k}. */
  SampleClasses only(int k) {
    return SampleClasses.only(k, names.size());
  }

  /** How the classes were chosen, for the command's last line: empty for an unconditional model. */
  String describe() {
    return switch (mode) {
      case NONE -> "";
      case BALANCED -> " (class-balanced: sample i of class i mod " + names.size() + ")";
      case ONE -> " of class " + index + " (" + names.get(index) + ")";
      case ALL -> " of each of the " + names.size() + " classes, a block of rows per class in label order";
    };
  }

  private static int parseIndex(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
