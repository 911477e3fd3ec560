package dev.decaf.train.loop;

/**
 * Where a run stands after a step: enough to continue exactly (same data order, same dropout
 * masks, same schedule position) and to refuse a checkpoint written by a different recipe. Every
 * checkpoint saves it as {@code trainer_state.json}.
 *
 * @param step optimizer steps done
 * @param epoch the data epoch the next batch comes from
 * @param position samples of that epoch already consumed
 * @param seed the run's seed (data order and per-step dropout seeds derive from it)
 * @param badSteps consecutive skipped (NaN/Inf) steps so far
 * @param skippedSteps all skipped steps so far
 * @param tokens training tokens consumed so far
 * @param recipeHash SHA-256 of the resolved recipe
 * @param best the best validation loss so far ({@code train.keep_best}, {@code train.early_stop})
 */
public record TrainerState(long step, int epoch, long position, long seed, int badSteps, long skippedSteps, long tokens,
        String recipeHash, BestSoFar best) {

    /** Checks that best is given. */
    public TrainerState {
        java.util.Objects.requireNonNull(best, "best");
    }

    /**
     * A state without a best validation loss yet.
     *
     * @param step optimizer steps done
     * @param epoch the data epoch the next batch comes from
     * @param position samples of that epoch already consumed
     * @param seed the run's seed
     * @param badSteps consecutive skipped steps
     * @param skippedSteps all skipped steps
     * @param tokens training tokens consumed
     * @param recipeHash SHA-256 of the resolved recipe
     */
    public TrainerState(long step, int epoch, long position, long seed, int badSteps, long skippedSteps, long tokens,
            String recipeHash) {
        this(step, epoch, position, seed, badSteps, skippedSteps, tokens, recipeHash, BestSoFar.NONE);
    }

    /**
     * Returns this state with another best.
     *
     * @param newBest the best
     * @return the state
     */
    public TrainerState withBest(BestSoFar newBest) {
        return new TrainerState(step, epoch, position, seed, badSteps, skippedSteps, tokens, recipeHash, newBest);
    }

    /**
     * The state before the first step of a fresh run.
     *
     * @param seed the run's seed
     * @param recipeHash the recipe's hash
     * @return step 0, epoch 0, nothing consumed
     */
    public static TrainerState fresh(long seed, String recipeHash) {
        return new TrainerState(0, 0, 0, seed, 0, 0, 0, recipeHash);
    }
}
