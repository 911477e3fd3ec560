package dev.decaf.train.loop;

import ai.djl.ndarray.NDArray;
import dev.decaf.models.nn.DecoderModel;
import java.util.Locale;

/**
 * The NaN guard: a step whose loss or gradient norm is not finite is skipped (no update), too many
 * in a row stop the run, and a non-finite weight is never written to a checkpoint.
 */
public final class NonFiniteGuard {

    /** What was not finite in a skipped step. */
    public enum Cause {
        /** The training loss. */
        LOSS,
        /** The gradient (its global norm), with a finite loss. */
        GRADIENT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int maxBadSteps;

    /**
     * Creates the guard.
     *
     * @param maxBadSteps consecutive skipped steps that stop the run
     */
    public NonFiniteGuard(int maxBadSteps) {
        this.maxBadSteps = maxBadSteps;
    }

    /**
     * Returns why a step must be skipped, or null when it may be applied.
     *
     * @param loss the step's loss
     * @param gradNorm its global gradient norm
     * @return the cause, or null when both are finite
     */
    public static Cause check(double loss, double gradNorm) {
        if (Double.isFinite(loss) && Double.isFinite(gradNorm)) {
            return null;
        }
        return Double.isFinite(loss) ? Cause.GRADIENT : Cause.LOSS;
    }

    /**
     * Stops the run when {@code inARow} skipped steps reach the limit.
     *
     * @param step the step just skipped
     * @param inARow consecutive skipped steps, this one included
     * @throws DivergedException at the limit
     */
    public void checkLimit(long step, int inARow) {
        if (inARow >= maxBadSteps) {
            throw new DivergedException("loss or gradient was NaN/Inf for " + inARow + " steps in a row (step " + step
                    + "): lower optimizer.lr, raise train.clip_norm or check the data; the last checkpoint is intact");
        }
    }

    /**
     * Refuses weights that are NaN or infinite, before they are saved.
     *
     * @param model the model
     * @param step the step they belong to
     * @throws DivergedException naming the first such weight
     */
    public static void requireFiniteWeights(DecoderModel model, long step) {
        for (var e : model.parameters().entrySet()) {
            NDArray w = e.getValue().getArray();
            try (NDArray nan = w.isNaN(); NDArray inf = w.isInfinite(); NDArray bad = nan.logicalOr(inf);
                    NDArray any = bad.any()) {
                if (any.getBoolean()) {
                    throw new DivergedException("weight '" + e.getKey() + "' is NaN or infinite at step " + step
                            + ": not saving it; the last checkpoint is intact");
                }
            }
        }
    }
}
