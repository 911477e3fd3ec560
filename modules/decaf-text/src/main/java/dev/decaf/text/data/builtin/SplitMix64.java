package dev.decaf.text.data.builtin;

import java.util.List;

/**
 * The random numbers behind every built-in dataset: SplitMix64 (Steele, Lea and Flood, "Fast
 * Splittable Pseudorandom Number Generators", OOPSLA 2014), written out here so that the files
 * depend on nothing but the seed, on any JVM.
 *
 * <pre>
 * state ← state + 0x9E3779B97F4A7C15
 * z ← state
 * z ← (z ⊕ (z ≫ 30)) · 0xBF58476D1CE4E5B9
 * z ← (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB
 * next = z ⊕ (z ≫ 31)                      (≫ unsigned, arithmetic mod 2⁶⁴)
 * </pre>
 *
 * <p>{@code nextInt(n)} takes the high 32 bits {@code h} of one output and returns {@code ⌊h·n /
 * 2³²⌋} (Lemire's multiply-shift; its bias, below n/2³², is irrelevant for word choice).
 */
final class SplitMix64 {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /**
     * Returns a generator for one purpose of one seed: {@code stream} names the purpose (train,
     * validation, …), so that the streams do not overlap in any useful sense and adding one does
     * not shift another.
     */
    static SplitMix64 stream(long seed, String stream) {
        long h = 0xCBF29CE484222325L; // FNV-1a over the stream's name
        for (int i = 0; i < stream.length(); i++) {
            h ^= stream.charAt(i);
            h *= 0x100000001B3L;
        }
        SplitMix64 mix = new SplitMix64(seed ^ h);
        return new SplitMix64(mix.nextLong());
    }

    long nextLong() {
        long z = (state += GOLDEN);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Returns a number in {@code [0, bound)}. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long high = nextLong() >>> 32;
        return (int) ((high * bound) >>> 32);
    }

    /** Returns a number in {@code [lo, hi]}. */
    int between(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    /** Returns a number in {@code [0, 1)} with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Returns true with probability {@code p}. */
    boolean chance(double p) {
        return nextDouble() < p;
    }

    <T> T pick(List<T> items) {
        return items.get(nextInt(items.size()));
    }

    /** Returns an index drawn with the given (unnormalised, non-negative) weights. */
    int weighted(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double u = nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Returns {@code k} distinct indices in {@code [0, n)}, in the order drawn. */
    int[] distinct(int n, int k) {
        if (k > n) {
            throw new IllegalArgumentException(k + " distinct values from " + n);
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) { // partial Fisher–Yates
            int j = i + nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = new int[k];
        System.arraycopy(all, 0, out, 0, k);
        return out;
    }
}
