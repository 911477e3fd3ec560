package dev.decaf.train.loop;

/**
 * When the training loop stops early: after {@code patience} evaluations in a row whose
 * validation loss did not improve on the best by more than {@code minDelta} (see {@link
 * BestSoFar#after}). {@code patience = 0} never stops early; {@code minDelta} also decides what
 * counts as a new best.
 *
 * @param patience evaluations without improvement that stop the run, 0 for never
 * @param minDelta the least decrease that counts as an improvement (≥ 0)
 */
public record EarlyStopping(int patience, double minDelta) {

    /** Never stops early; any strict decrease is an improvement. */
    public static final EarlyStopping OFF = new EarlyStopping(0, 0);

    /** Checks the ranges. */
    public EarlyStopping {
        if (patience < 0 || !(minDelta >= 0)) {
            throw new IllegalArgumentException("patience >= 0 and min_delta >= 0, got " + patience + ", " + minDelta);
        }
    }

    /**
     * Returns whether a run in this state has run out of patience.
     *
     * @param best the best so far
     * @return whether to stop
     */
    public boolean exhausted(BestSoFar best) {
        return patience > 0 && best.evalsWithoutImprovement() >= patience;
    }
}
