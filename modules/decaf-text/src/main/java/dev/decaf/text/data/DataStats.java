package dev.decaf.text.data;

/**
 * The sizes of a dataset. The weight-decay recipes take the number of training samples {@code N}
 * from {@link #trainSamples()} (τ_epoch = B/(γ·λ·N), B in samples) and the number of training
 * tokens {@code D} from {@link #trainTokens()} (Power Lines: τ = B/(γ·λ·D), B in tokens).
 *
 * @param documents documents or examples read from the training file and kept: 1 for a plain text
 *     file, one per used line of a JSON lines file
 * @param tokens tokens in the training file's stream, one end-of-text per document included
 * @param trainSamples samples (batch rows) in the training split
 * @param validationSamples samples in the validation split
 * @param trainTokens tokens in the training samples ({@code seqLen + 1} per text block)
 * @param validationTokens tokens in the validation samples
 * @param droppedTokens tokens of text streams that did not fill a last block (training and
 *     validation file together)
 * @param skippedLines bad lines skipped with {@code optSkipBadLines(true)} (both files)
 * @param trainExamples whole examples in the training samples (a text block is one; more than the
 *     samples when examples are packed)
 * @param validationExamples whole examples in the validation samples
 * @param truncatedExamples examples longer than {@code seqLen + 1} tokens that were truncated (both
 *     files)
 * @param droppedExamples examples longer than {@code seqLen + 1} tokens that were left out (both
 *     files)
 */
public record DataStats(
        long documents,
        long tokens,
        long trainSamples,
        long validationSamples,
        long trainTokens,
        long validationTokens,
        long droppedTokens,
        long skippedLines,
        long trainExamples,
        long validationExamples,
        long truncatedExamples,
        long droppedExamples) {

    /**
     * The sizes of data with one example per sample and nothing overlong (text blocks, or
     * unpacked lines).
     */
    public DataStats(long documents, long tokens, long trainSamples, long validationSamples, long trainTokens,
            long validationTokens, long droppedTokens, long skippedLines) {
        this(documents, tokens, trainSamples, validationSamples, trainTokens, validationTokens, droppedTokens,
                skippedLines, trainSamples, validationSamples, 0, 0);
    }

    /**
     * Returns the sizes on one line. Without a validation split the samples are not labelled
     * {@code train=}: the data may be read for evaluation, not training. Examples are shown where
     * samples hold several; overlong examples where there were some.
     */
    @Override
    public String toString() {
        String samples = validationSamples == 0 && validationTokens == 0
                ? " samples=" + split(trainSamples, "", trainExamples, trainTokens)
                : " train=" + split(trainSamples, " samples", trainExamples, trainTokens)
                        + " validation=" + split(validationSamples, " samples", validationExamples, validationTokens);
        String overlong = truncatedExamples == 0 && droppedExamples == 0 ? ""
                : " overlong=" + truncatedExamples + " truncated/" + droppedExamples + " dropped examples";
        return "documents=" + documents + " tokens=" + tokens + samples + " dropped=" + droppedTokens
                + " tokens skipped=" + skippedLines + " lines" + overlong;
    }

    private static String split(long samples, String unit, long examples, long tokens) {
        return samples + unit + (examples != samples ? " (" + examples + " examples)" : "") + "/" + tokens
                + " tokens";
    }
}
