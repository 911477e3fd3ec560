package dev.decaf.train.finetune;

import dev.decaf.text.data.DataFormat;
import java.util.Locale;

/**
 * The {@code train.seq_len} of a recipe that leaves it out: the model's {@code
 * max_position_embeddings} {@code P}, capped by the data. An example of {@code n} tokens (its
 * end-of-text included) fills {@code n − 1} positions, since a row of {@code seq_len} positions
 * holds {@code seq_len + 1} tokens (inputs and the labels one ahead), so for prompt–completion and
 * pre-tokenised data {@code seq_len = min(P, max(2, n_max − 1))} over both files; an example
 * longer than {@code P + 1} tokens is left to {@code data.overlong}. Text is packed across rows and
 * uses {@code P}. {@link dev.decaf.text.data.LmDataset.Builder#setSeqLenUpTo} makes the same choice
 * while building the data.
 */
final class SeqLenChoice {

    private SeqLenChoice() {}

    /**
     * Chooses the length.
     *
     * @param format the training data's format
     * @param longest tokens of the longest example of either file, before any truncation
     * @param maxPositions the model's positions {@code P}
     * @return the sequence length
     */
    static int choose(DataFormat format, long longest, int maxPositions) {
        if (format == DataFormat.TEXT || longest > maxPositions + 1L) {
            return maxPositions;
        }
        return (int) Math.min(maxPositions, Math.max(2, longest - 1));
    }

    /**
     * Returns the line that reports the choice: {@code seq_len: 92 (the longest example: 93 tokens
     * with its end-of-text; the model has 128 positions)}.
     *
     * @param seqLen the length chosen
     * @param format the training data's format
     * @param longest tokens of the longest example (those kept, when the data was truncated)
     * @param maxPositions the model's positions
     * @param overlong the recipe's {@code data.overlong}, for examples longer than the model's positions
     * @return the line
     */
    static String describe(int seqLen, DataFormat format, long longest, int maxPositions, String overlong) {
        String why;
        if (format == DataFormat.TEXT) {
            why = "the model's max_position_embeddings; text is packed across rows";
        } else if (seqLen == maxPositions && longest >= maxPositions + 1L) {
            why = "the model's max_position_embeddings; " + (longest > maxPositions + 1L
                    ? "longer examples follow data.overlong: " + overlong.toLowerCase(Locale.ROOT)
                    : "the longest example, " + longest + " tokens, fills it");
        } else {
            why = "the longest example: " + longest + " tokens" + (format == DataFormat.PROMPT_COMPLETION
                    ? " with its end-of-text" : "") + "; the model has " + maxPositions + " positions";
        }
        return "seq_len: " + seqLen + " (" + why + ")";
    }
}
