package dev.decaf.text.data;

import java.util.Arrays;

/**
 * One batch for next-token prediction, as plain arrays: row {@code r} is one sample, column
 * {@code j} one position. {@code labels[r][j]} is the token that follows {@code inputs[r][j]};
 * {@code lossMask[r][j]} is 1 where that label counts in the loss and 0 elsewhere (prompt tokens,
 * padding). Rows shorter than the batch width (pre-tokenised samples) are right-padded with the
 * tokenizer's padding id in both inputs and labels, with mask 0; {@code lengths[r]} is the number of
 * real positions in row {@code r}.
 *
 * <p>The loss of a batch is {@code Σ mask·CE(logits[r][j], labels[r][j]) / Σ mask}.
 *
 * @param inputs the input ids, {@code [rows][width]}
 * @param labels the target ids, {@code [rows][width]}
 * @param lossMask the loss weights of the labels, {@code [rows][width]}
 * @param lengths the real (unpadded) positions per row, {@code [rows]}
 */
public record Batch(int[][] inputs, int[][] labels, float[][] lossMask, int[] lengths) {

    /** Checks that all arrays have the same number of rows. */
    public Batch {
        int rows = inputs.length;
        if (labels.length != rows || lossMask.length != rows || lengths.length != rows) {
            throw new IllegalArgumentException("batch arrays disagree on the number of rows: inputs "
                    + rows + ", labels " + labels.length + ", lossMask " + lossMask.length
                    + ", lengths " + lengths.length);
        }
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

    /** Compares the contents of the arrays. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b
                && Arrays.deepEquals(inputs, b.inputs)
                && Arrays.deepEquals(labels, b.labels)
                && Arrays.deepEquals(lossMask, b.lossMask)
                && Arrays.equals(lengths, b.lengths);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.deepHashCode(inputs) + Arrays.deepHashCode(labels))
                + Arrays.deepHashCode(lossMask)) + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        return "Batch[" + size() + " x " + width() + ", lengths=" + Arrays.toString(lengths) + "]";
    }
}
