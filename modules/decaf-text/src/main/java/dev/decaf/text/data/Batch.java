package dev.decaf.text.data;

import java.util.Arrays;

/**
 * One batch for next-token prediction, as plain arrays: row {@code r} is one sample, column
 * {@code j} one position. {@code labels[r][j]} is the token that follows {@code inputs[r][j]} in
 * its example; {@code lossMask[r][j]} is 1 where that label counts in the loss and 0 elsewhere
 * (prompt tokens, padding). A row's first {@code lengths[r]} positions are real; the rest of the row
 * is right-padded with the tokenizer's padding id in both inputs and labels, with mask 0.
 * {@code segments[r][j]} is 0 on padding and {@code k ≥ 1} on the positions of the row's {@code
 * k}-th example: a model attends from a position only to earlier positions of the same segment and
 * restarts positions at each segment's start (see {@link Sample}).
 *
 * <p>The loss of a batch is {@code Σ mask·CE(logits[r][j], labels[r][j]) / Σ mask}.
 *
 * @param inputs the input ids, {@code [rows][width]}
 * @param labels the target ids, {@code [rows][width]}
 * @param lossMask the loss weights of the labels, {@code [rows][width]}
 * @param lengths the real (unpadded) positions per row, {@code [rows]}
 * @param segments each position's example within its row (0: padding), {@code [rows][width]}
 */
public record Batch(int[][] inputs, int[][] labels, float[][] lossMask, int[] lengths, int[][] segments) {

    /** Checks that all arrays have the same number of rows. */
    public Batch {
        int rows = inputs.length;
        if (labels.length != rows || lossMask.length != rows || lengths.length != rows || segments.length != rows) {
            throw new IllegalArgumentException("batch arrays disagree on the number of rows: inputs "
                    + rows + ", labels " + labels.length + ", lossMask " + lossMask.length
                    + ", lengths " + lengths.length + ", segments " + segments.length);
        }
    }

    /**
     * A batch of one example per row: segment 1 on each row's first {@code lengths[r]} positions,
     * 0 after.
     *
     * @param inputs the input ids, {@code [rows][width]}
     * @param labels the target ids, {@code [rows][width]}
     * @param lossMask the loss weights of the labels, {@code [rows][width]}
     * @param lengths the real (unpadded) positions per row, {@code [rows]}
     */
    public Batch(int[][] inputs, int[][] labels, float[][] lossMask, int[] lengths) {
        this(inputs, labels, lossMask, lengths, oneExamplePerRow(inputs, lengths));
    }

    private static int[][] oneExamplePerRow(int[][] inputs, int[] lengths) {
        int[][] s = new int[Math.min(inputs.length, lengths.length)][];
        for (int r = 0; r < s.length; r++) {
            s[r] = new int[inputs[r].length];
            Arrays.fill(s[r], 0, Math.min(lengths[r], s[r].length), 1);
        }
        return s;
    }

    /** Returns the number of samples (rows). */
    public int size() {
        return inputs.length;
    }

    /** Returns the number of positions per row (0 for an empty batch). */
    public int width() {
        return inputs.length == 0 ? 0 : inputs[0].length;
    }

    /** Returns the sum of the loss mask: how many label tokens count in the loss. */
    public double maskedTokens() {
        double sum = 0;
        for (float[] row : lossMask) {
            for (float m : row) {
                sum += m;
            }
        }
        return sum;
    }

    /**
     * Returns whether a model needs {@link #segments()} as its attention mask: some row has
     * padding or more than one example. Otherwise plain causal attention is the same.
     */
    public boolean needsAttentionMask() {
        for (int[] row : segments) {
            for (int s : row) {
                if (s != 1) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Compares the contents of the arrays. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b
                && Arrays.deepEquals(inputs, b.inputs)
                && Arrays.deepEquals(labels, b.labels)
                && Arrays.deepEquals(lossMask, b.lossMask)
                && Arrays.equals(lengths, b.lengths)
                && Arrays.deepEquals(segments, b.segments);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * Arrays.deepHashCode(inputs) + Arrays.deepHashCode(labels))
                + Arrays.deepHashCode(lossMask)) + Arrays.hashCode(lengths)) + Arrays.deepHashCode(segments);
    }

    @Override
    public String toString() {
        return "Batch[" + size() + " x " + width() + ", lengths=" + Arrays.toString(lengths) + "]";
    }
}
