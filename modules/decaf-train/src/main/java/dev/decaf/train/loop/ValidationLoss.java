package dev.decaf.train.loop;

import ai.djl.ndarray.NDManager;
import dev.decaf.models.infer.Evaluator;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.data.DataSplit;

/**
 * The loop's evaluation: the mean masked next-token loss over (the first batches of) the
 * validation split, computed by {@link Evaluator}, the same code as {@code decaf eval}.
 */
public final class ValidationLoss {

    private final Evaluator evaluator;
    private final DataSplit split;
    private final int batchSize;
    private final int maxBatches;

    /**
     * Creates the evaluation.
     *
     * @param model the model being trained
     * @param manager a manager on its device, for the per-batch arrays
     * @param split the validation split; null or empty for none
     * @param batchSize sequences per batch
     * @param maxBatches batches per evaluation, 0 for the whole split
     */
    public ValidationLoss(DecoderModel model, NDManager manager, DataSplit split, int batchSize, int maxBatches) {
        this.evaluator = new Evaluator(model, manager);
        this.split = split;
        this.batchSize = batchSize;
        this.maxBatches = maxBatches;
    }

    /**
     * Evaluates the model's current weights (no dropout, no gradients).
     *
     * @return the loss; NaN without validation data
     */
    public double compute() {
        if (split == null || split.isEmpty()) {
            return Double.NaN;
        }
        return evaluator.evaluate(split.batches(0, batchSize), maxBatches).loss();
    }
}
