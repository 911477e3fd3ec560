package dev.decaf.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic with a constant, safe inside the autograd graph.
 *
 * <p>DJL pitfall (PyTorch engine, 0.36): {@code NDArray.mul(Number)} and its siblings wrap the
 * number in a 0-d tensor over a Java direct buffer ({@code torch::from_blob}, no copy), run the op
 * and close the wrapper; nothing then keeps the buffer reachable, so the garbage collector frees
 * it. Autograd saves the scalar tensor for the backward pass of a product or quotient ({@code
 * d(x·c)/dx = c}), which then reads freed memory: gradients that are rarely wrong, and NaN under
 * garbage-collection pressure. A tensor made by {@code NDManager.full} owns its memory in libtorch,
 * so the copy autograd keeps stays valid after the wrapper is closed.
 *
 * <p>Use these instead of the {@code Number} overloads on any tensor that may require a gradient.
 */
public final class Scalars {

    private Scalars() {}

    /** Returns {@code x · c}. */
    public static NDArray mul(NDArray x, float c) {
        return withConstant(x, c, NDArray::mul);
    }

    /** Returns {@code x · c}, overwriting x (only where autograd does not need x itself). */
    public static NDArray muli(NDArray x, float c) {
        return withConstant(x, c, NDArray::muli);
    }

    /** Returns {@code x / c}. */
    public static NDArray div(NDArray x, float c) {
        return withConstant(x, c, NDArray::div);
    }

    /** Returns {@code x + c}, overwriting x. */
    public static NDArray addi(NDArray x, float c) {
        return withConstant(x, c, NDArray::addi);
    }

    /** Applies op to x and a 0-d tensor holding c in x's dtype and device, its memory owned by libtorch. */
    private static NDArray withConstant(NDArray x, float c, BinaryOperator<NDArray> op) {
        try (NDArray k = x.getManager().full(new Shape(), c, x.getDataType())) {
            return op.apply(x, k);
        }
    }
}
