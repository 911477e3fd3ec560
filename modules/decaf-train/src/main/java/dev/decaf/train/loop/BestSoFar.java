package dev.decaf.train.loop;

/**
 * The best validation loss of a run so far, and the evaluations since it: what {@code
 * train.keep_best} exports and {@code train.early_stop} counts. Part of the {@link TrainerState},
 * so a resumed run continues it.
 *
 * <p>An evaluation at step s with loss v improves on the best b when {@code v < b − minDelta}
 * (strictly less with {@code minDelta = 0}; the rule of Keras' and Hugging Face's {@code
 * EarlyStopping}); the first evaluation always sets it. A NaN loss (no validation data) changes
 * nothing, and so does an evaluation at or before {@code lastEvaluated} (one already counted,
 * seen again after a resume).
 *
 * @param step the step of the best evaluation, −1 for none
 * @param valLoss its validation loss, NaN for none
 * @param evalsWithoutImprovement evaluations since then that did not improve on it
 * @param lastEvaluated the step of the last evaluation counted, −1 for none
 */
public record BestSoFar(long step, double valLoss, int evalsWithoutImprovement, long lastEvaluated) {

    /** No evaluation yet. */
    public static final BestSoFar NONE = new BestSoFar(-1, Double.NaN, 0, -1);

    /** Returns whether an evaluation has set it. */
    public boolean isSet() {
        return step >= 0;
    }

    /**
     * Counts an evaluation.
     *
     * @param at its step
     * @param loss its validation loss
     * @param minDelta the decrease that counts as an improvement is more than this (≥ 0)
     * @return the best after it
     */
    public BestSoFar after(long at, double loss, double minDelta) {
        if (Double.isNaN(loss) || at <= lastEvaluated) {
            return this;
        }
        if (!isSet() || loss < valLoss - minDelta) {
            return new BestSoFar(at, loss, 0, at);
        }
        return new BestSoFar(step, valLoss, evalsWithoutImprovement + 1, at);
    }
}
