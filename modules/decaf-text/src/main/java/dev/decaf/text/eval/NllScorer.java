package dev.decaf.text.eval;

import dev.decaf.text.data.Batch;

/**
 * An engine's per-position negative log-likelihoods of a batch: {@code −log softmax(z[r, j])[y[r, j]]}
 * for row {@code r} and position {@code j}, where {@code z} are the logits of the batch's inputs
 * (with its segment ids as the attention mask when {@link Batch#needsAttentionMask()}) and {@code y}
 * its labels. {@link LossEvaluator} weighs and sums them.
 */
@FunctionalInterface
public interface NllScorer {

    /**
     * Scores a batch.
     *
     * @param batch the batch
     * @return row-major {@code [rows, width]} values, float32 as the engine computes them
     */
    float[] nll(Batch batch);
}
