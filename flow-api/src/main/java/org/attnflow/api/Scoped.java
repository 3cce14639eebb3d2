package org.attnflow.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a computation in an {@link NDScope} of its own: the arrays it creates are freed when it
 * returns, except those it keeps, which join the caller's scope. Freeing intermediates at once, as
 * Python's reference counting does, bounds the working set of a long chain of engine calls by one
 * link of it. Autograd keeps what the backward pass needs by itself, so this is safe under a
 * gradient collector too. The kept arrays must be ones the computation created.
 */
public final class Scoped {
  private Scoped() {}

  /**
   * The result of {@code work}, freeing every array it created except {@code kept(result)}, which
   * is asked for after the work has run.
   */
  public static <T> T keeping(Supplier<T> work, Function<? super T, ? extends Collection<NDArray>> kept) {
    T result;
    Collection<NDArray> keep;
    try (NDScope scope = new NDScope()) {
      result = work.get();
      keep = kept.apply(result);
      keep.forEach(NDScope::unregister);
    }
    keep.forEach(NDScope::register);
    return result;
  }

  /** The array {@code work} returns, every other array it created being freed. */
  public static NDArray array(Supplier<NDArray> work) {
    return keeping(work, List::of);
  }
}
