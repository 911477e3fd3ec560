package dev.decaf.text.data;

/**
 * The sizes of a dataset. The weight-decay recipes take the number of training samples {@code N}
 * from {@link #trainSamples()} (τ_epoch = B/(γ·λ·N), B in samples) and the number of training
 * tokens {@code D} from {@link #trainTokens()} (Power Lines: τ = B/(γ·λ·D), B in tokens).
 *
 * @param documents documents or examples read from the training file: 1 for a plain text file,
 *     one per used line of a JSON lines file
 * @param tokens tokens in the training file's stream, one end-of-text per document included
 * @param trainSamples samples in the training split
 * @param validationSamples samples in the validation split
 * @param trainTokens tokens in the training samples ({@code seqLen + 1} per packed block)
 * @param validationTokens tokens in the validation samples
 * @param droppedTokens tokens of packed streams that did not fill a last block (training and
 *     validation file together)
 * @param skippedLines bad lines skipped with {@code optSkipBadLines(true)} (both files)
 */
public record DataStats(
        long documents,
        long tokens,
        long trainSamples,
        long validationSamples,
        long trainTokens,
        long validationTokens,
        long droppedTokens,
        long skippedLines) {

    /**
     * Returns the sizes on one line. Without a validation split the samples are not labelled
     * {@code train=}: the data may be read for evaluation, not training.
     */
    @Override
    public String toString() {
        String samples = validationSamples == 0 && validationTokens == 0
                ? " samples=" + trainSamples + "/" + trainTokens + " tokens"
                : " train=" + trainSamples + " samples/" + trainTokens + " tokens validation=" + validationSamples
                        + " samples/" + validationTokens + " tokens";
        return "documents=" + documents + " tokens=" + tokens + samples + " dropped=" + droppedTokens
                + " tokens skipped=" + skippedLines + " lines";
    }
}
