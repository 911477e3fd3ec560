package dev.decaf.train.loop;

/**
 * What the training loop and its callbacks need from a recipe, and the cadence rules derived from
 * it (which steps log, evaluate, checkpoint) in one place.
 *
 * @param steps total optimizer steps
 * @param batchSize sequences per micro-batch (and per validation batch)
 * @param gradAccum micro-batches per step
 * @param clipNorm global-norm clip, 0 = off
 * @param seed the run's seed
 * @param logEvery steps between metric/progress lines
 * @param evalEvery steps between evaluations (0 = only at the start and the end)
 * @param evalBatches batches per evaluation (0 = the whole split)
 * @param checkpointEvery steps between checkpoints (0 = only at the end)
 * @param maxBadSteps consecutive skipped steps that stop the run
 */
public record TrainingSettings(long steps, int batchSize, int gradAccum, double clipNorm, long seed, int logEvery,
        int evalEvery, int evalBatches, int checkpointEvery, int maxBadSteps) {

    /**
     * Returns whether a step prints a progress line and measures the per-group update ratios.
     *
     * @param step the step (1-based)
     * @return {@code step % logEvery == 0}
     */
    public boolean isLogStep(long step) {
        return step % logEvery == 0;
    }

    /**
     * Returns whether the validation loss is measured after a step (the last step's is the final
     * evaluation, not this one).
     *
     * @param step the step
     * @return whether to evaluate
     */
    public boolean isEvalStep(long step) {
        return evalEvery > 0 && step % evalEvery == 0 && step < steps;
    }

    /**
     * Returns whether a periodic checkpoint is written after a step (the last one is written when
     * the run ends).
     *
     * @param step the step
     * @return whether to checkpoint
     */
    public boolean isCheckpointStep(long step) {
        return checkpointEvery > 0 && step % checkpointEvery == 0 && step < steps;
    }
}
