package dev.decaf.text.data;

import java.util.Arrays;

/**
 * Which examples go in which row when whole examples are packed: greedily, in data order, as
 * torchtune's {@code PackedDataset} does — a row takes the next examples while their positions (an
 * example of {@code n} tokens has {@code n − 1}) fit in {@code seqLen}, and the first example that
 * does not fit starts the next row. No example is split or lost; the rest of a row is padding.
 * The plan is a pure function of the example lengths, so every run packs alike.
 */
final class PackPlan {

    private PackPlan() {}

    /**
     * Plans the rows.
     *
     * @param positions each example's positions, in data order, each in {@code [1, seqLen]}
     * @param seqLen the positions of a row
     * @return {@code starts} of length {@code rows + 1}: row {@code r} holds examples {@code
     *     starts[r] … starts[r+1])}
     */
    static int[] greedy(int[] positions, int seqLen) {
        int[] starts = new int[positions.length + 1];
        int rows = 0;
        int used = 0;
        for (int e = 0; e < positions.length; e++) {
            int n = positions[e];
            if (n < 1 || n > seqLen) {
                throw new IllegalArgumentException("example " + e + " has " + n + " positions; a row holds 1 to "
                        + seqLen);
            }
            if (e == 0 || used + n > seqLen) {
                starts[rows++] = e;
                used = 0;
            }
            used += n;
        }
        starts[rows] = positions.length;
        return Arrays.copyOf(starts, rows + 1);
    }

    /**
     * One example per row.
     *
     * @param examples the number of examples
     * @return {@code 0, 1, …, examples}
     */
    static int[] single(int examples) {
        int[] starts = new int[examples + 1];
        for (int i = 0; i <= examples; i++) {
            starts[i] = i;
        }
        return starts;
    }
}
