package org.attnflow.api.data;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The class of every image of a dataset, in image order, and the names of the classes.
 *
 * @param values one label per image, each in 0..names.size() − 1
 * @param names the class names in label order, distinct and not blank
 */
public record Labels(int[] values, List<String> names) {

  /** Checks that there is a class, that names are distinct and that every label is a class. */
  public Labels {
    names = List.copyOf(names);
    Optional<String> problem = problemWith(names);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= names.size()) {
        throw new IllegalArgumentException("label " + values[i] + " of image " + i + " is outside 0.." + (names.size() - 1));
      }
    }
  }

  /** Labels of {@code classes} classes named by their numbers "0", "1", …. */
  public Labels(int[] values, int classes) {
    this(values, numbered(classes));
  }

  /** Why {@code names} cannot name a dataset's classes (none, repeated or blank), or empty when they can. */
  public static Optional<String> problemWith(List<String> names) {
    if (names.isEmpty()) {
      return Optional.of("a labelled dataset needs at least one class");
    }
    if (new HashSet<>(names).size() != names.size() || names.stream().anyMatch(String::isBlank)) {
      return Optional.of("class names must be distinct and not blank, found " + names);
    }
    return Optional.empty();
  }

  /** The names "0" to "classes − 1". */
  public static List<String> numbered(int classes) {
    return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
  }

  /** The number of classes. */
  public int classes() {
    return names.size();
  }

  /** The number of labelled images. */
  public int count() {
    return values.length;
  }
}
