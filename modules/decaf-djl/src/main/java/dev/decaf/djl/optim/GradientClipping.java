package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.decaf.djl.optim.kernel.AdamKernel;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}:
 *
 * <pre>
 * n = √(Σ_p ‖g_p‖²) ;  if n &gt; c:  g_p ← g_p · c/(n + 1e-6)   for every p
 * </pre>
 *
 * <p>Call it between {@code backward} and {@code trainer.step()} (DJL has no global clipping; its
 * {@code optClipGrad} clips elements). It returns n before clipping; a non-finite n leaves the
 * gradients untouched, so the caller can skip the step.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Clips the gradients of every trainable parameter of a block.
     *
     * @param block the model
     * @param maxNorm c &gt; 0 (use {@code Double.POSITIVE_INFINITY} to only measure)
     * @return the global norm before clipping
     */
    public static double clipGlobalNorm(Block block, double maxNorm) {
        List<NDArray> grads = new ArrayList<>();
        try {
            for (Parameter p : block.getParameters().values()) {
                if (p.requiresGradient() && p.isInitialized()) {
                    grads.add(p.getArray().getGradient());
                }
            }
            return clipGlobalNorm(grads, maxNorm);
        } finally {
            grads.forEach(NDArray::close);
        }
    }

    /**
     * Clips a list of gradient arrays in place.
     *
     * @param grads the gradients
     * @param maxNorm c &gt; 0
     * @return the global norm before clipping
     */
    public static double clipGlobalNorm(List<NDArray> grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        }
        double sumSq = 0;
        for (NDArray g : grads) {
            sumSq += sumOfSquares(g);
        }
        double norm = Math.sqrt(sumSq);
        if (!Double.isFinite(norm) || norm <= maxNorm) {
            return norm;
        }
        float coef = (float) (maxNorm / (norm + 1e-6));
        for (NDArray g : grads) {
            scale(g, coef);
        }
        return norm;
    }

    /**
     * Returns the global L2 norm of the gradients of a block's trainable parameters, unchanged.
     *
     * @param block the model
     * @return the norm
     */
    public static double globalNorm(Block block) {
        return clipGlobalNorm(block, Double.POSITIVE_INFINITY);
    }

    private static double sumOfSquares(NDArray g) {
        AdamKernel k = AdamKernel.best();
        if (TensorViews.viewable(g)) {
            ByteBuffer view = g.toByteBuffer(true);
            return ParallelRange.sum(Math.toIntExact(g.size()), (from, to) -> k.sumOfSquares(view, from, to));
        }
        try (NDArray sq = g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).square(); NDArray s = sq.sum()) {
            return s.getDouble();
        }
    }

    private static void scale(NDArray g, float coef) {
        if (TensorViews.viewable(g)) {
            ByteBuffer view = g.toByteBuffer(true);
            if (TensorViews.writesThrough(g, view)) {
                AdamKernel k = AdamKernel.best();
                ParallelRange.run(Math.toIntExact(g.size()), (from, to) -> k.scale(view, coef, from, to));
                return;
            }
        }
        g.muli(coef);
    }
}
