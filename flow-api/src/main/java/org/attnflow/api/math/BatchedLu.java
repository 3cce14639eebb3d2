package org.attnflow.api.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Batched log-determinant and linear solve for square matrices, built only from engine operations
 * so that both are differentiable through DJL autograd (DJL has no det, LU, slogdet or solve).
 *
 * <p>The log-determinant uses recursive block elimination without pivoting: each matrix is split
 * into quadrants, {@code log|det A| = log|det A11| + log|det S|} with the Schur complement {@code S
 * = A22 - A21 A11^-1 A12}, and {@code A11} and {@code S} of the whole batch are stacked along the
 * batch axis and treated the same way, so a level costs a fixed handful of engine calls whatever
 * the batch size. Odd sizes are padded with a unit diagonal entry, which leaves the determinant
 * unchanged; 2x2 and 1x1 blocks are finished in closed form.
 *
 * <p><b>Precondition:</b> every leading principal submatrix of every {@code A} must be
 * non-singular, and not nearly so, since no pivoting is done. This holds for strictly diagonally
 * dominant matrices, such as {@code W = I + g P} with {@code P} row-stochastic, {@code 0 <= g < 1}
 * (or {@code g = 1} and a positive diagonal, as a softmax gives). It is not checked: a singular
 * block makes the engine's inverse throw, a nearly singular one silently costs accuracy.
 *
 * <p>Everything is computed in the input's data type, as PyTorch's own {@code slogdet} does. In
 * float32 the log-determinant's absolute error reaches about 1e-6 at n = 256 (BatchedLuTest holds
 * it to 1e-5 of max(|log det|, 0.1)): a millionth of a nat in a log-likelihood of thousands, whose
 * own float32 rounding is a hundred times larger. Computing in float64 instead cost itrans32g 8%
 * of its training and sampling speed (docs/design.md, "Speed"). All intermediate arrays are
 * attached to the input's {@link NDManager}; nothing is detached.
 */
public final class BatchedLu {

  private BatchedLu() {}

  /**
   * Returns {@code log|det A_b|} for each matrix of the batch.
   *
   * <p>Requires non-singular leading principal submatrices (see the class comment). The gradient
   * with respect to {@code a} is {@code A^-T}.
   *
   * @param a a batch of square matrices, shape {@code [B, n, n]}, any floating-point data type
   * @return the log-absolute-determinants, shape {@code [B]}, in the data type of {@code a}
   * @throws IllegalArgumentException if {@code a} is not a floating-point batch of square matrices
   */
  public static NDArray logAbsDet(NDArray a) {
    Shape shape = a.getShape();
    requireSquareBatch(a, "a");
    long batch = shape.get(0);
    NDManager manager = a.getManager();
    if (batch == 0) {
      return manager.zeros(new Shape(0), a.getDataType());
    }
    NDArray m = a;
    long size = shape.get(1);
    while (size > 2) {
      if (size % 2 == 1) {
        // Border with a unit diagonal entry: [[M, 0], [0, 1]] has the same determinant.
        double[] corner = new double[Math.toIntExact((size + 1) * (size + 1))];
        corner[corner.length - 1] = 1;
        // toType would cut the autograd graph (see cast), which this constant has none of
        NDArray unit = manager.create(corner, new Shape(size + 1, size + 1)).toType(m.getDataType(), false);
        m = m.pad(new Shape(0, 1, 0, 1), 0).add(unit);
        size++;
      }
      // split, not get(NDIndex): its backward is one concat instead of four zero-filled copies.
      NDList rows = m.split(2, 1);
      NDList top = rows.get(0).split(2, 2);
      NDList bottom = rows.get(1).split(2, 2);
      NDArray a11 = top.get(0);
      NDArray schur = bottom.get(1).sub(bottom.get(0).matMul(a11.inverse()).matMul(top.get(1)));
      m = NDArrays.concat(new NDList(a11, schur), 0);
      size /= 2;
    }
    NDArray det;
    if (size == 2) {
      NDArray p = m.get(new NDIndex(":, 0, 0")).mul(m.get(new NDIndex(":, 1, 1")));
      NDArray q = m.get(new NDIndex(":, 0, 1")).mul(m.get(new NDIndex(":, 1, 0")));
      det = p.sub(q);
    } else {
      det = m.reshape(-1);
    }
    // Leaf i * batch + b of the stacked batch belongs to matrix b.
    NDArray logs = det.abs().log();
    return logs.reshape(-1, batch).sum(new int[] {0});
  }

  /**
   * Solves {@code A_b X_b = B_b} for each matrix of the batch.
   *
   * <p>Requires every {@code A_b} to be non-singular; it is meant for the same well-conditioned
   * (diagonally dominant) matrices as {@link #logAbsDet(NDArray)}. Computed as {@code A^-1 B} in
   * the data type of {@code b} with the engine's pivoted inverse, as accurate here as block
   * substitution and fewer calls.
   *
   * @param a a batch of square matrices, shape {@code [B, n, n]}, any floating-point data type
   * @param b the right-hand sides, shape {@code [B, n, m]}, any floating-point data type
   * @return {@code X}, shape {@code [B, n, m]}, in the data type of {@code b}
   * @throws IllegalArgumentException if the shapes or data types do not fit
   */
  public static NDArray solve(NDArray a, NDArray b) {
    requireSquareBatch(a, "a");
    Shape as = a.getShape();
    Shape bs = b.getShape();
    if (!b.getDataType().isFloating()
        || bs.dimension() != 3
        || bs.get(0) != as.get(0)
        || bs.get(1) != as.get(1)) {
      throw new IllegalArgumentException(
          "b must be a floating-point array of shape [B, n, m] matching a "
              + as
              + ", but is "
              + b.getDataType()
              + " "
              + bs);
    }
    return cast(a, b.getDataType()).inverse().matMul(b);
  }

  /**
   * Converts {@code x} to {@code type} differentiably. {@code NDArray.toType} cannot be used: on
   * the PyTorch engine it cuts the autograd graph. Copying into a fresh array of the target type
   * ({@code Tensor.copy_}, which converts and is differentiable) keeps it.
   */
  private static NDArray cast(NDArray x, DataType type) {
    if (x.getDataType() == type) {
      return x;
    }
    NDArray out = x.getManager().zeros(x.getShape(), type);
    out.set(new NDIndex("..."), x);
    return out;
  }

  private static void requireSquareBatch(NDArray x, String name) {
    Shape shape = x.getShape();
    if (!x.getDataType().isFloating() || shape.dimension() != 3 || shape.get(1) != shape.get(2)) {
      throw new IllegalArgumentException(
          name
              + " must be a floating-point batch of square matrices [B, n, n], but is "
              + x.getDataType()
              + " "
              + shape);
    }
  }
}
