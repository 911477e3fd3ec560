package dev.decaf.core.scaling;

import static dev.decaf.core.scaling.ScalingValueException.positive;

/**
 * The sizes of a run that the λ rules of {@link LambdaRule} scale with. Epochs and steps are tied
 * by {@code S = ⌈E·N/B⌉} and {@code E = S·B/N} ({@link #ofEpochs}, {@link #ofSteps}); a trainer
 * that knows both (its last batch of an epoch may be partial) gives both.
 *
 * @param params N_params, the model's parameters
 * @param samples N, training samples (rows) in one epoch, after tokenisation and packing: N/B
 *     steps make an epoch
 * @param tokens D, the non-padding tokens of one epoch's training rows
 * @param batchSize B, samples per optimizer step
 * @param seqLen positions per sample: a batch holds {@code B_tok = B·seq_len} tokens
 * @param lr η, the peak learning rate
 * @param epochs E, passes over the training data
 * @param steps S, optimizer steps
 */
public record ScalingInputs(long params, long samples, long tokens, long batchSize, int seqLen, double lr,
        double epochs, long steps) {

    /** Checks that every size is positive, naming the first that is not. */
    public ScalingInputs {
        positive("params", params);
        positive("samples", samples);
        positive("tokens", tokens);
        positive("batch_size", batchSize);
        positive("seq_len", seqLen);
        positive("lr", lr);
        positive("epochs", epochs);
        positive("steps", steps);
    }

    /**
     * The sizes of a run given in epochs: {@code S = ⌈E·N/B⌉}.
     *
     * @param params N_params
     * @param samples N
     * @param tokens D
     * @param batchSize B
     * @param seqLen seq_len
     * @param lr η
     * @param epochs E
     * @return the inputs
     */
    public static ScalingInputs ofEpochs(long params, long samples, long tokens, long batchSize, int seqLen,
            double lr, double epochs) {
        positive("epochs", epochs);
        positive("samples", samples);
        positive("batch_size", batchSize);
        long steps = (long) Math.ceil(epochs * samples / batchSize);
        return new ScalingInputs(params, samples, tokens, batchSize, seqLen, lr, epochs, steps);
    }

    /**
     * The sizes of a run given in steps: {@code E = S·B/N}.
     *
     * @param params N_params
     * @param samples N
     * @param tokens D
     * @param batchSize B
     * @param seqLen seq_len
     * @param lr η
     * @param steps S
     * @return the inputs
     */
    public static ScalingInputs ofSteps(long params, long samples, long tokens, long batchSize, int seqLen, double lr,
            long steps) {
        positive("steps", steps);
        positive("samples", samples);
        return new ScalingInputs(params, samples, tokens, batchSize, seqLen, lr, (double) steps * batchSize / samples,
                steps);
    }

    /** Returns B_tok = B·seq_len, the tokens of one batch (padding included). */
    public long batchTokens() {
        return batchSize * seqLen;
    }

    /** Returns D_run = E·D, the tokens the run processes (D for one epoch). */
    public double runTokens() {
        return epochs * tokens;
    }

    /** Returns TPP = D_run/N_params, tokens per parameter over the run. */
    public double tokensPerParameter() {
        return runTokens() / params;
    }
}
