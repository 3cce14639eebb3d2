package org.attnflow.api;

import java.util.Locale;

/**
 * A layer whose inverse iterates to a tolerance (for example TarFlow's Jacobi inverse) and counts
 * what it took, so that a command can report it.
 */
public interface IterativeInverse {

  /** The iterations of every inverse call so far, or none when the layer inverts directly. */
  Count inverseIterations();

  /**
   * What the inverse calls of a layer took.
   *
   * @param calls inverse calls that iterated
   * @param iterations iterations summed over the calls
   * @param most the most iterations of one call
   * @param unconverged calls that stopped at the iteration limit before reaching the tolerance
   */
  record Count(long calls, long iterations, long most, long unconverged) {
    /** No iterating call. */
    public static final Count NONE = new Count(0, 0, 0, 0);

    /** This count with one more call of {@code taken} iterations, which reached the tolerance or not. */
    public Count plus(long taken, boolean converged) {
      return new Count(calls + 1, iterations + taken, Math.max(most, taken), unconverged + (converged ? 0 : 1));
    }

    /** "12.5 iterations per call on average over 8 calls (most 14), 0 stopped at the limit". */
    public String describe() {
      return String.format(Locale.ROOT, "%.1f iterations per call on average over %d calls (most %d), %d stopped at the limit",
          calls == 0 ? 0.0 : (double) iterations / calls, calls, most, unconverged);
    }
  }
}
