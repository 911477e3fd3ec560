package dev.decaf.text.data;

import java.util.Arrays;

/**
 * One training sample: one row of a batch, made of one or more whole examples laid end to end.
 * Example {@code e} is {@code tokens[starts[e] … starts[e+1])} (the last one ends at {@code
 * tokens.length}); its {@code n} tokens give {@code n − 1} (input, label) positions, input {@code
 * tokens[j]} predicting label {@code tokens[j + 1]} within the example, never across an example's
 * end. So a sample of {@code E} examples has {@code tokens.length − E} positions, in row order;
 * {@code lossMask[j]} weighs position {@code j}: 1 for text and for completion tokens (and their
 * end-of-text), 0 for prompt tokens. {@link #segments()} numbers each position's example from 1, the
 * attention isolation a packed row needs.
 *
 * @param tokens the token ids of the examples, concatenated; a text block has {@code seqLen + 1}
 * @param lossMask the loss weight of each position, {@code tokens.length − starts.length} entries
 * @param starts where each example begins in {@code tokens}: {@code starts[0] = 0}, each example at
 *     least 2 tokens long
 */
public record Sample(int[] tokens, float[] lossMask, int[] starts) {

    private static final int[] ONE = {0};

    /** Checks the example boundaries and that the mask has one entry per position. */
    public Sample {
        if (starts.length == 0 || starts[0] != 0) {
            throw new IllegalArgumentException("a sample's first example must start at 0, got starts "
                    + Arrays.toString(starts));
        }
        for (int e = 0; e < starts.length; e++) {
            int end = e + 1 < starts.length ? starts[e + 1] : tokens.length;
            if (end - starts[e] < 2) {
                throw new IllegalArgumentException("every example needs at least 2 tokens; example " + e
                        + " spans [" + starts[e] + ", " + end + ") of " + tokens.length);
            }
        }
        if (lossMask.length != tokens.length - starts.length) {
            throw new IllegalArgumentException("a sample needs one mask entry per position: " + tokens.length
                    + " tokens in " + starts.length + " examples, got " + lossMask.length + " mask entries");
        }
    }

    /**
     * A sample of one example: {@code tokens.length − 1} positions.
     *
     * @param tokens the token ids, at least 2
     * @param lossMask the loss weight of each label position, {@code tokens.length − 1} entries
     */
    public Sample(int[] tokens, float[] lossMask) {
        this(tokens, lossMask, ONE);
    }

    /** Returns the number of examples. */
    public int examples() {
        return starts.length;
    }

    /** Returns the number of (input, label) positions: {@code tokens.length − examples()}. */
    public int length() {
        return tokens.length - starts.length;
    }

    /** Returns the input of each position: every example's tokens but its last. */
    public int[] inputs() {
        return positions(0);
    }

    /** Returns the label of each position: every example's tokens but its first. */
    public int[] labels() {
        return positions(1);
    }

    /** Returns each position's example, numbered from 1. */
    public int[] segments() {
        int[] out = new int[length()];
        int o = 0;
        for (int e = 0; e < starts.length; e++) {
            int n = end(e) - starts[e] - 1;
            Arrays.fill(out, o, o + n, e + 1);
            o += n;
        }
        return out;
    }

    private int[] positions(int shift) {
        int[] out = new int[length()];
        int o = 0;
        for (int e = 0; e < starts.length; e++) {
            int n = end(e) - starts[e] - 1;
            System.arraycopy(tokens, starts[e] + shift, out, o, n);
            o += n;
        }
        return out;
    }

    private int end(int e) {
        return e + 1 < starts.length ? starts[e + 1] : tokens.length;
    }

    /** Compares the contents of the arrays. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && Arrays.equals(tokens, s.tokens) && Arrays.equals(lossMask, s.lossMask)
                && Arrays.equals(starts, s.starts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(tokens) + Arrays.hashCode(lossMask)) + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "Sample[tokens=" + Arrays.toString(tokens) + ", lossMask=" + Arrays.toString(lossMask)
                + (starts.length > 1 ? ", starts=" + Arrays.toString(starts) : "") + "]";
    }
}
