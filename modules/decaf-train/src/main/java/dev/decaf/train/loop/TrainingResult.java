package dev.decaf.train.loop;

/**
 * How a call of {@link TrainingLoop#run} ended.
 *
 * @param state the final trainer state
 * @param initialValLoss validation loss before this run's first step (NaN without validation)
 * @param finalValLoss validation loss at the end
 * @param stopped whether it ended because a stop was requested
 */
public record TrainingResult(TrainerState state, double initialValLoss, double finalValLoss, boolean stopped) {}
