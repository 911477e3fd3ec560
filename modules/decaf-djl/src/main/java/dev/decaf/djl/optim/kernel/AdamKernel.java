package dev.decaf.djl.optim.kernel;

import java.nio.ByteBuffer;

/**
 * A single-pass Adam update over float32 buffers in native byte order (zero-copy views of
 * contiguous CPU tensors), in place. See {@link AdamCoefficients} for the formula.
 *
 * <p>Why this is fast: each element of θ, g, m and v is read once and θ, m, v (and the zeroed
 * gradient) written once, in one pass, with no temporary tensors, so the step runs at the memory
 * bandwidth floor. An unfused update with tensor ops makes ~7 temporaries per parameter, each a
 * fresh allocation and extra pass over memory.
 *
 * <p>Ranges are element indices {@code [from, to)}; callers split large tensors across threads.
 */
public interface AdamKernel {

    /**
     * Runs the whole update: gradient stage, decay, moments, Adam step; then zeroes {@code
     * zeroGrad} over the range when it is not null.
     *
     * @param p θ
     * @param g the gradient (read only)
     * @param m first moment
     * @param v second moment
     * @param zeroGrad the buffer to zero after reading (the parameter's gradient), or null
     * @param from first element
     * @param to one past the last element
     * @param c the coefficients
     */
    void step(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zeroGrad, int from, int to,
            AdamCoefficients c);

    /**
     * Updates only the moments (first phase of a two-phase step) and returns Σ v over the range.
     *
     * @param p θ (read for coupled L2 only)
     * @param g the gradient
     * @param m first moment
     * @param v second moment
     * @param zeroGrad the buffer to zero after reading, or null
     * @param from first element
     * @param to one past the last element
     * @param c the coefficients
     * @return the sum of the updated v over the range, in double
     */
    double moments(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zeroGrad, int from, int to,
            AdamCoefficients c);

    /**
     * Applies decay and the Adam step from already-updated moments (second phase).
     *
     * @param p θ
     * @param m first moment
     * @param v second moment
     * @param from first element
     * @param to one past the last element
     * @param c the coefficients
     */
    void apply(ByteBuffer p, ByteBuffer m, ByteBuffer v, int from, int to, AdamCoefficients c);

    /**
     * Returns Σ x² over a range, in double.
     *
     * @param x the buffer
     * @param from first element
     * @param to one past the last element
     * @return the sum of squares
     */
    double sumOfSquares(ByteBuffer x, int from, int to);

    /**
     * Multiplies a range by a factor, in place.
     *
     * @param x the buffer
     * @param factor the factor
     * @param from first element
     * @param to one past the last element
     */
    void scale(ByteBuffer x, float factor, int from, int to);

    /**
     * Returns the fastest kernel this JVM supports: the Vector API one when the incubator module
     * {@code jdk.incubator.vector} is present ({@code --add-modules jdk.incubator.vector}), else a
     * scalar loop.
     *
     * @return the kernel
     */
    static AdamKernel best() {
        return Kernels.BEST;
    }

    /** Returns the portable scalar kernel (the reference the vector kernel is tested against). */
    static AdamKernel scalar() {
        return ScalarAdamKernel.INSTANCE;
    }
}
