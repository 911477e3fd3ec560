package dev.decaf.text.data;

import java.util.Arrays;

/**
 * One training sample: {@code n} tokens give {@code n − 1} (input, label) pairs, input {@code
 * tokens[j]} predicting label {@code tokens[j + 1]}. {@code lossMask[j]} weighs label position
 * {@code j} (so it has {@code n − 1} entries): 1 for text and for completion tokens, 0 for prompt
 * tokens.
 *
 * @param tokens the token ids; a packed block has {@code seqLen + 1} of them
 * @param lossMask the loss weight of each label position, {@code tokens.length − 1} entries
 */
public record Sample(int[] tokens, float[] lossMask) {

    /** Checks that the mask has one entry per label position. */
    public Sample {
        if (tokens.length < 2 || lossMask.length != tokens.length - 1) {
            throw new IllegalArgumentException("a sample needs at least 2 tokens and one mask entry per label,"
                    + " got " + tokens.length + " tokens and " + lossMask.length + " mask entries");
        }
    }

    /** Returns the number of (input, label) positions: {@code tokens.length − 1}. */
    public int length() {
        return tokens.length - 1;
    }

    /** Compares the contents of the arrays. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && Arrays.equals(tokens, s.tokens) && Arrays.equals(lossMask, s.lossMask);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(lossMask);
    }

    @Override
    public String toString() {
        return "Sample[tokens=" + Arrays.toString(tokens) + ", lossMask=" + Arrays.toString(lossMask) + "]";
    }
}
