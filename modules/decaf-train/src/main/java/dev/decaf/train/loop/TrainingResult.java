package dev.decaf.train.loop;

/**
 * How a call of {@link TrainingLoop#run} ended.
 *
 * @param state the final trainer state (with the best validation loss so far)
 * @param initialValLoss validation loss before this run's first step (NaN without validation)
 * @param finalValLoss validation loss at the end
 * @param stopped whether it ended because a stop was requested
 * @param earlyStopped whether it ended because its {@link EarlyStopping} ran out of patience
 */
public record TrainingResult(TrainerState state, double initialValLoss, double finalValLoss, boolean stopped,
        boolean earlyStopped) {

    /**
     * A result of a run that did not stop early.
     *
     * @param state the final trainer state
     * @param initialValLoss validation loss before this run's first step
     * @param finalValLoss validation loss at the end
     * @param stopped whether a stop was requested
     */
    public TrainingResult(TrainerState state, double initialValLoss, double finalValLoss, boolean stopped) {
        this(state, initialValLoss, finalValLoss, stopped, false);
    }
}
