package dev.decaf.text.data;

import java.util.Arrays;

/**
 * The part of the training split a run trains on when it takes only a fraction f of it ({@code
 * data.fraction}), for sweeps over the dataset size:
 *
 * <pre>
 * N = the training examples left after the validation split (text: blocks of seqLen + 1 tokens)
 * k = max(1, round(f·N))
 * subset = the first k of one permutation of those N, seeded by (seed, a stream of its own),
 *          back in file order
 * </pre>
 *
 * <p>The validation split is taken first and does not depend on f, so every fraction is measured
 * on the same validation examples. Because every fraction takes a prefix of the same permutation
 * and k grows with f, the subsets nest: for f ≤ g (same seed, same data) the f subset is inside the
 * g subset, so a growing dataset only adds examples.
 */
public final class TrainSubset {

    /** The permutation stream of the subset (neither an epoch number nor the validation stream). */
    static final long SUBSET_STREAM = 0x7375_6273_6574L; // "subset"

    private TrainSubset() {}

    /**
     * Returns how many of N examples a fraction keeps.
     *
     * @param n N, the training examples after the validation split
     * @param fraction f in (0, 1]
     * @return {@code max(1, round(f·N))}, N when f = 1, 0 when N = 0
     * @throws IllegalArgumentException when f is outside (0, 1]
     */
    public static int count(int n, double fraction) {
        check(fraction);
        if (n == 0 || fraction == 1.0) {
            return n;
        }
        return (int) Math.max(1, Math.min(n, Math.round(fraction * n)));
    }

    /**
     * Returns the examples a fraction keeps.
     *
     * @param pool the training split's example indices, ascending
     * @param fraction f in (0, 1]
     * @param seed the run's seed
     * @return {@code count(pool.length, f)} of them, ascending; {@code pool} itself when f = 1
     */
    static int[] of(int[] pool, double fraction, long seed) {
        int k = count(pool.length, fraction);
        if (k == pool.length) {
            return pool;
        }
        int[] p = Permutations.of(pool.length, seed, SUBSET_STREAM);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = pool[p[i]];
        }
        Arrays.sort(out);
        return out;
    }

    private static void check(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1], got " + fraction);
        }
    }
}
