package dev.decaf.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import dev.decaf.djl.internal.TensorViews;
import dev.decaf.djl.optim.kernel.AdamKernel;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}:
 *
 * <pre>
 * n = √(Σ_p ‖g_p‖²) ;  if n &gt; c:  g_p ← g_p · c/(n + 1e-6)   for every p
 * </pre>
 *
 * <p>Call it between {@code backward} and {@code trainer.step()} (DJL has no global clipping; its
 * {@code optClipGrad} clips elements). It returns n before clipping; a non-finite n leaves the
 * gradients untouched, so the caller can skip the step. With {@code EasyTrain.fit}, which gives
 * the caller no place between backward and step, add {@link #listener(Optimizer,
 * double)} to the training config: it clips there and skips a non-finite step.
 *
 * <p>Threads: pass the run's optimizer's {@link AdamFamily#kernelThreads()} to split large
 * gradients across them. Without, the same chunks run one after another on the calling thread
 * ({@link ParallelRange#onCallingThread()}): the same norm to the bit, at one core's speed.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Returns a DJL training listener that clips the global norm to {@code maxNorm} at every batch
     * of {@code EasyTrain.fit} (between backward and step) and, when the norm is NaN or infinite,
     * makes that step a no-op through the optimizer ({@link ClipGradients}).
     *
     * @param optimizer the trainer's optimizer: a decaf {@link AdamFamily}
     * @param maxNorm c &gt; 0 ({@code Double.POSITIVE_INFINITY}: only skip non-finite steps)
     * @return the listener, for {@code DefaultTrainingConfig.addTrainingListeners(...)}
     * @throws IllegalArgumentException for another optimizer, or c ≤ 0
     */
    public static ClipGradients listener(Optimizer optimizer, double maxNorm) {
        return new ClipGradients(optimizer, maxNorm);
    }

    /**
     * Clips the gradients of every trainable parameter of a block.
     *
     * @param block the model
     * @param maxNorm c &gt; 0 (use {@code Double.POSITIVE_INFINITY} to only measure)
     * @return the global norm before clipping
     */
    public static double clipGlobalNorm(Block block, double maxNorm) {
        return clipGlobalNorm(block, maxNorm, ParallelRange.onCallingThread());
    }

    /**
     * Clips the gradients of every trainable parameter of a block, large ones split across
     * threads.
     *
     * @param block the model
     * @param maxNorm c &gt; 0 (use {@code Double.POSITIVE_INFINITY} to only measure)
     * @param threads the threads, e.g. the optimizer's {@link AdamFamily#kernelThreads()}
     * @return the global norm before clipping
     */
    public static double clipGlobalNorm(Block block, double maxNorm, ParallelRange threads) {
        List<NDArray> grads = new ArrayList<>();
        try {
            for (Parameter p : block.getParameters().values()) {
                // a parameter no backward reached holds no gradient: nothing to measure or clip
                NDArray g = p.requiresGradient() && p.isInitialized() ? AccumulatedGradient.held(p.getArray()) : null;
                if (g != null) {
                    grads.add(g);
                }
            }
            return clipGlobalNorm(grads, maxNorm, threads);
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
        return clipGlobalNorm(grads, maxNorm, ParallelRange.onCallingThread());
    }

    /**
     * Clips a list of gradient arrays in place, large ones split across threads.
     *
     * @param grads the gradients
     * @param maxNorm c &gt; 0
     * @param threads the threads, e.g. the optimizer's {@link AdamFamily#kernelThreads()}
     * @return the global norm before clipping
     */
    public static double clipGlobalNorm(List<NDArray> grads, double maxNorm, ParallelRange threads) {
        Objects.requireNonNull(threads, "threads");
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        }
        double sumSq = 0;
        for (NDArray g : grads) {
            sumSq += sumOfSquares(g, threads);
        }
        double norm = Math.sqrt(sumSq);
        if (!Double.isFinite(norm) || norm <= maxNorm) {
            return norm;
        }
        float coef = (float) (maxNorm / (norm + 1e-6));
        for (NDArray g : grads) {
            scale(g, coef, threads);
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

    /**
     * Returns the global L2 norm of the gradients of a block's trainable parameters, unchanged,
     * large ones split across threads.
     *
     * @param block the model
     * @param threads the threads, e.g. the optimizer's {@link AdamFamily#kernelThreads()}
     * @return the norm
     */
    public static double globalNorm(Block block, ParallelRange threads) {
        return clipGlobalNorm(block, Double.POSITIVE_INFINITY, threads);
    }

    private static double sumOfSquares(NDArray g, ParallelRange threads) {
        AdamKernel k = AdamKernel.best();
        if (TensorViews.viewable(g)) {
            ByteBuffer view = g.toByteBuffer(true);
            return threads.sum(Math.toIntExact(g.size()), (from, to) -> k.sumOfSquares(view, from, to));
        }
        // each temporary closed: unclosed, they would stay in the gradient's manager (the model's) for good
        try (NDArray g64 = g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false); NDArray sq = g64.square();
                NDArray s = sq.sum()) {
            return s.getDouble();
        }
    }

    private static void scale(NDArray g, float coef, ParallelRange threads) {
        if (TensorViews.viewable(g)) {
            ByteBuffer view = g.toByteBuffer(true);
            if (TensorViews.writesThrough(g, view)) {
                AdamKernel k = AdamKernel.best();
                threads.run(Math.toIntExact(g.size()), (from, to) -> k.scale(view, coef, from, to));
                return;
            }
        }
        g.muli(coef);
    }
}
