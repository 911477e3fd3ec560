package dev.decaf.text.data;

/**
 * Seeded permutations that are a pure function of their inputs, the same on every JVM and
 * platform: a Fisher–Yates shuffle driven by SplitMix64 (Steele, Lea and Flood 2014) whose state
 * starts from a mix of the seed and a stream number (the epoch, or a fixed salt for the validation
 * split). Bounded draws reject the top of the 63-bit range, so every position is equally likely.
 */
final class Permutations {

    /** The stream used to pick the held-out validation samples (never an epoch number). */
    static final long VALIDATION_STREAM = 0x7661_6c69_6461_7465L;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Permutations() {}

    /**
     * Returns a permutation of {@code 0 … n−1}.
     *
     * @param n the size
     * @param seed the user's seed
     * @param stream the epoch, or {@link #VALIDATION_STREAM}
     * @return the permutation
     */
    static int[] of(int n, long seed, long stream) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        long state = mix(seed) ^ mix(stream * GOLDEN + 0x5851F42D4C957F2DL);
        for (int i = n - 1; i > 0; i--) {
            // uniform in [0, i], by rejection on 63 bits as java.util.Random.nextInt(bound) does on 31
            long bound = i + 1L;
            long u;
            long r;
            do {
                state += GOLDEN;
                u = mix(state) >>> 1;
                r = u % bound;
            } while (u - r + (bound - 1) < 0);
            int j = (int) r;
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** SplitMix64's output function. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
