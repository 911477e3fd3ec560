package dev.decaf.train.loop;

import dev.decaf.train.metrics.StepMetrics;
import java.io.IOException;

/**
 * Something that acts at the training loop's events: progress lines, the metrics log, checkpoints,
 * a test recording losses. The loop calls its callbacks in the order they were given, at:
 *
 * <ol>
 *   <li>{@link #onTrainBegin}: once, after the initial evaluation, before the first step;
 *   <li>{@link #onStepSkipped}: for a step whose loss or gradient was not finite, before the guard
 *       decides whether the run goes on;
 *   <li>{@link #onStepEnd}: after every step, applied or skipped, with its metrics (including a
 *       validation loss on evaluation steps) and the state it leaves;
 *   <li>{@link #onTrainEnd}: once, after the last step or a stop, after the final evaluation.
 * </ol>
 *
 * A callback that wants the run to stop requests it through the run's {@link StopSignal}; an
 * exception from a callback ends the run with that exception.
 */
public interface TrainingCallback {

    /**
     * The run starts.
     *
     * @param start the state it starts from (step 0, or a checkpoint's)
     * @param initialValLoss the validation loss of the starting weights, NaN without validation
     * @throws IOException on an I/O error
     */
    default void onTrainBegin(TrainerState start, double initialValLoss) throws IOException {}

    /**
     * A step was skipped: its gradients were zeroed and no update applied.
     *
     * @param step the step
     * @param cause what was not finite
     * @param inARow consecutive skipped steps, this one included
     * @throws IOException on an I/O error
     */
    default void onStepSkipped(long step, NonFiniteGuard.Cause cause, int inARow) throws IOException {}

    /**
     * A step ended.
     *
     * @param metrics its metrics
     * @param state the state after it
     * @throws IOException on an I/O error
     */
    default void onStepEnd(StepMetrics metrics, TrainerState state) throws IOException {}

    /**
     * The run ends (it was not aborted by an exception).
     *
     * @param end the final state
     * @param finalValLoss the validation loss of the final weights, NaN without validation
     * @param stopped whether a stop was requested
     * @throws IOException on an I/O error
     */
    default void onTrainEnd(TrainerState end, double finalValLoss, boolean stopped) throws IOException {}
}
