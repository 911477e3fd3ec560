package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import dev.decaf.djl.internal.TensorViews;
import dev.decaf.djl.optim.kernel.AdamCoefficients;
import dev.decaf.djl.optim.kernel.AdamKernel;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.nio.ByteBuffer;

/**
 * Runs the arithmetic of one parameter's update (see {@link AdamCoefficients}) where it is
 * fastest, and leaves the parameter's accumulated gradient zeroed:
 *
 * <pre>
 * float32, contiguous, CPU   one fused pass of the {@link AdamKernel} (vector, or scalar) over
 *                            zero-copy views of θ, g, m, v, split across the kernel threads
 * anything else (GPU, …)     in-place tensor ops ({@link NDArrayAdamStep})
 * </pre>
 *
 * <p>Three entry points: the whole update ({@link #step}), and the two phases of a step that
 * waits for v̄ ({@link #moments}, then {@link #apply}).
 */
final class StepExecutor {

    private final boolean fused;
    private final AdamKernel kernel;
    private final ParallelRange threads;
    private final boolean tensorOpsOnly;

    /**
     * @param fused the fastest kernel this JVM has ({@link AdamKernel#best()}), else the scalar one
     * @param threads the threads large tensors are split across
     * @param tensorOpsOnly tests only: take the tensor-op path (the GPU path) for CPU tensors too
     */
    StepExecutor(boolean fused, ParallelRange threads, boolean tensorOpsOnly) {
        this.fused = fused;
        this.kernel = fused ? AdamKernel.best() : AdamKernel.scalar();
        this.threads = threads;
        this.tensorOpsOnly = tensorOpsOnly;
    }

    /** Names the CPU kernel for logs: {@code fused-vector}, {@code fused-scalar} or {@code scalar}. */
    String kernelName() {
        return fused ? "fused-" + (AdamKernel.best() == AdamKernel.scalar() ? "scalar" : "vector") : "scalar";
    }

    /** Returns the threads large tensors are split across. */
    ParallelRange threads() {
        return threads;
    }

    /**
     * Returns whether the fused kernel can update a weight through a view (checked once per
     * parameter: contiguity does not change, storage may, so views are taken afresh each step).
     *
     * @param weight the parameter
     * @return whether {@code toByteBuffer(true)} writes through to it
     */
    boolean canView(NDArray weight) {
        return !tensorOpsOnly && TensorViews.viewable(weight) && TensorViews.writesThrough(weight, weight.toByteBuffer(true));
    }

    /**
     * The whole update: gradient stage, decay, moments, Adam step.
     *
     * @param st the parameter's state
     * @param weight θ
     * @param grad the gradient handed to the optimizer
     * @param c the coefficients
     */
    void step(ParamState st, NDArray weight, NDArray grad, AdamCoefficients c) {
        boolean viewed = consumeGradient(st, weight, grad, (p, g, m, v, z, from, to) -> {
            kernel.step(p, g, m, v, z, from, to, c);
            return 0;
        }) != null;
        if (!viewed) {
            NDArrayAdamStep.moments(weight, grad, st.m, st.v, c, false);
            NDArrayAdamStep.apply(weight, st.m, st.v, c);
            TensorViews.zeroGradient(weight);
        }
    }

    /**
     * Phase 1 of a two-phase step: gradient stage and moments only.
     *
     * @param st the parameter's state
     * @param weight θ (read for coupled L2)
     * @param grad the gradient
     * @param c the coefficients
     * @return Σ v over the parameter's elements, after the update
     */
    double moments(ParamState st, NDArray weight, NDArray grad, AdamCoefficients c) {
        Double sum = consumeGradient(st, weight, grad, (p, g, m, v, z, from, to) -> kernel.moments(p, g, m, v, z, from, to, c));
        if (sum != null) {
            return sum;
        }
        double s = NDArrayAdamStep.moments(weight, grad, st.m, st.v, c, true);
        TensorViews.zeroGradient(weight);
        return s;
    }

    /**
     * Phase 2 of a two-phase step: decay and Adam step from the updated moments.
     *
     * @param st the parameter's state
     * @param weight θ
     * @param c the coefficients, decay included
     */
    void apply(ParamState st, NDArray weight, AdamCoefficients c) {
        if (st.weightIsViewable) {
            ByteBuffer p = weight.toByteBuffer(true);
            ByteBuffer m = st.m.toByteBuffer(true);
            ByteBuffer v = st.v.toByteBuffer(true);
            threads.run(Math.toIntExact(weight.size()), (from, to) -> kernel.apply(p, m, v, from, to, c));
        } else {
            NDArrayAdamStep.apply(weight, st.m, st.v, c);
        }
    }

    /** A kernel pass that reads the gradient, over views of θ, g, m, v and the gradient to zero. */
    @FunctionalInterface
    private interface GradientPass {
        double run(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer zero, int from, int to);
    }

    /**
     * Runs a pass over zero-copy views split across threads, then makes sure the parameter's real
     * gradient is zero: in the same pass when its view writes through (the usual case), else in
     * place afterwards. Returns the summed pass results, or null when the tensors cannot be viewed.
     */
    private Double consumeGradient(ParamState st, NDArray weight, NDArray grad, GradientPass pass) {
        if (!st.weightIsViewable || !TensorViews.viewable(grad)) {
            return null;
        }
        ByteBuffer p = weight.toByteBuffer(true);
        ByteBuffer g = grad.toByteBuffer(true);
        ByteBuffer m = st.m.toByteBuffer(true);
        ByteBuffer v = st.v.toByteBuffer(true);
        // held, not getGradient(): for a parameter no backward reached, getGradient() allocates a
        // tensor of zeros only to have the pass zero it again (2x the time of the update on 50257x768)
        NDArray real = AccumulatedGradient.held(weight);
        try {
            ByteBuffer z = real == null ? null : real.toByteBuffer(true);
            ByteBuffer zero = z != null && TensorViews.writesThrough(real, z) ? z : null;
            double sum = threads.sum(Math.toIntExact(weight.size()), (from, to) -> pass.run(p, g, m, v, zero, from, to));
            if (zero == null && real != null) {
                TensorViews.zeroGradient(weight);
            }
            return sum;
        } finally {
            if (real != null) {
                real.close();
            }
        }
    }
}
