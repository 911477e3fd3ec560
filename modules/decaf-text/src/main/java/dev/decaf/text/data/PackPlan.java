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
        Filler filler = new Filler(seqLen, true);
        for (int e = 0; e < positions.length; e++) {
            int n = positions[e];
            if (n < 1 || n > seqLen) {
                throw new IllegalArgumentException("example " + e + " has " + n + " positions; a row holds 1 to "
                        + seqLen);
            }
            if (filler.place(n)) {
                starts[rows++] = e;
            }
        }
        starts[rows] = positions.length;
        return Arrays.copyOf(starts, rows + 1);
    }

    /**
     * The rule one example at a time, for a plan made as examples arrive ({@link #greedy}) or rows
     * only counted ({@link DataScan}): greedy when packing, else one example per row.
     */
    static final class Filler {
        private final long seqLen;
        private final boolean packing;
        private long rows;
        private long used;

        Filler(long seqLen, boolean packing) {
            this.seqLen = seqLen;
            this.packing = packing;
        }

        /** Places the next example of {@code positions} positions; returns whether it starts a row. */
        boolean place(long positions) {
            boolean starts = !packing || rows == 0 || used + positions > seqLen;
            if (starts) {
                rows++;
                used = 0;
            }
            used += positions;
            return starts;
        }

        /** Returns the rows started so far. */
        long rows() {
            return rows;
        }
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
