package dev.decaf.text.sampling;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Chooses the next token from a row of logits: greedy, or by sampling after temperature, top-k and
 * top-p (nucleus) filtering. With the same settings, seed and logits the choices are the same on
 * every run and machine.
 *
 * <p><b>The distribution.</b> For logits {@code z} over {@code V} ids:
 *
 * <ol>
 *   <li>temperature {@code T = 0} is greedy decoding: the arg max, ties to the smallest id (no random
 *       draw is made);
 *   <li>otherwise {@code p_i = exp(z_i/T − m) / Σ_j exp(z_j/T − m)}, {@code m = max_j z_j/T}, in
 *       double precision;
 *   <li>top-k ({@code k > 0}): keep the {@code k} most probable ids (ties to the smaller id) and
 *       renormalise;
 *   <li>top-p ({@code p < 1}), on the top-k distribution: order ids by probability, descending,
 *       ties by ascending id, and keep the shortest prefix whose cumulative probability reaches
 *       {@code p} (≥ p − 1e-12, so rounding cannot add a token); renormalise. The most probable id
 *       is always kept.
 * </ol>
 *
 * This is the order of Hugging Face's {@code TopKLogitsWarper} followed by {@code
 * TopPLogitsWarper}; ids filtered out get probability exactly 0.
 *
 * <p><b>Randomness.</b> A {@link SplittableRandom} seeded with the given seed; every sampled token
 * (temperature {@code > 0}) consumes exactly one {@code nextDouble()} {@code u ∈ [0, 1)} and picks
 * the first kept id whose cumulative probability exceeds {@code u} (inverse CDF), walking the kept
 * ids by descending probability when top-k (below the vocabulary size) or top-p filters, and by
 * ascending id otherwise. A sampler is stateful (its random stream advances) and not thread-safe;
 * {@link #withSeed} makes a fresh one.
 */
public final class Sampler {

    /** Slack on the top-p threshold, so that rounding in the cumulative sum cannot keep an extra id. */
    static final double TOP_P_SLACK = 1e-12;

    private final double temperature;
    private final int topK;
    private final double topP;
    private final long seed;
    private final SplittableRandom random;

    /**
     * Creates a sampler.
     *
     * @param temperature 0 for greedy decoding, else finite and {@code > 0}
     * @param topK how many of the most probable ids to keep; 0 keeps all
     * @param topP the nucleus mass in {@code (0, 1]}; 1 keeps all
     * @param seed the seed of the random stream
     * @throws IllegalArgumentException for a value outside its range (the message names it)
     */
    public Sampler(double temperature, int topK, double topP, long seed) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** Returns a greedy sampler (temperature 0). */
    public static Sampler greedy() {
        return new Sampler(0, 0, 1, 0);
    }

    /** Returns a sampler with the same settings and a fresh random stream from {@code seed}. */
    public Sampler withSeed(long seed) {
        return new Sampler(temperature, topK, topP, seed);
    }

    /** Returns the temperature (0 = greedy). */
    public double temperature() {
        return temperature;
    }

    /** Returns top-k (0 = off). */
    public int topK() {
        return topK;
    }

    /** Returns top-p (1 = off). */
    public double topP() {
        return topP;
    }

    /** Returns the seed the random stream started from. */
    public long seed() {
        return seed;
    }

    /** Returns whether this sampler always takes the arg max. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /**
     * Chooses the next token.
     *
     * @param logits one row of logits (not modified)
     * @return the id
     */
    public int sample(float[] logits) {
        return sample(logits, logits.length);
    }

    /**
     * Chooses the next token among the first {@code n} ids only (for a tokenizer smaller than the
     * model's vocabulary).
     *
     * @param logits one row of logits (not modified)
     * @param n how many leading ids may be chosen, {@code 1 … logits.length}
     * @return the id, in {@code [0, n)}
     */
    public int sample(float[] logits, int n) {
        checkLength(logits, n);
        if (isGreedy()) {
            return argmax(logits, n);
        }
        Kept kept = filter(logits, n);
        double u = random.nextDouble();
        double cum = 0;
        for (int i = 0; i < kept.ids.length; i++) {
            cum += kept.probs[i];
            if (u < cum) {
                return kept.ids[i];
            }
        }
        return kept.ids[kept.ids.length - 1]; // u ≥ the rounded total: the last kept id
    }

    /**
     * Returns the distribution {@link #sample} draws from: probabilities over all {@code
     * logits.length} ids, 0 for filtered ids, summing to 1 (a one-hot arg max when greedy).
     *
     * @param logits one row of logits
     * @return the probabilities
     */
    public double[] distribution(float[] logits) {
        return distribution(logits, logits.length);
    }

    /**
     * Returns the distribution {@link #sample(float[], int)} draws from.
     *
     * @param logits one row of logits
     * @param n how many leading ids may be chosen
     * @return probabilities over {@code logits.length} ids, 0 at {@code n} and beyond
     */
    public double[] distribution(float[] logits, int n) {
        checkLength(logits, n);
        double[] out = new double[logits.length];
        if (isGreedy()) {
            out[argmax(logits, n)] = 1;
            return out;
        }
        Kept kept = filter(logits, n);
        for (int i = 0; i < kept.ids.length; i++) {
            out[kept.ids[i]] = kept.probs[i];
        }
        return out;
    }

    /**
     * Returns the arg max of the first {@code n} logits, ties to the smallest id. NaN logits are
     * never chosen unless all are NaN (then id 0).
     *
     * @param logits the logits
     * @param n how many leading ids to consider
     * @return the id
     */
    public static int argmax(float[] logits, int n) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        boolean any = false;
        for (int i = 0; i < n; i++) {
            float z = logits[i];
            if (z > max || (!any && z == Float.NEGATIVE_INFINITY)) {
                max = z;
                best = i;
                any = true;
            }
        }
        return best;
    }

    /** Returns the arg max of all logits, ties to the smallest id. */
    public static int argmax(float[] logits) {
        return argmax(logits, logits.length);
    }

    private static void checkLength(float[] logits, int n) {
        if (n < 1 || n > logits.length) {
            throw new IllegalArgumentException("can sample from 1 to " + logits.length + " ids, asked for " + n);
        }
    }

    /** The kept ids in walking order with their renormalised probabilities. */
    private record Kept(int[] ids, double[] probs) {}

    private Kept filter(float[] logits, int n) {
        double[] p = softmax(logits, n, temperature);
        boolean sorted = (topK > 0 && topK < n) || topP < 1;
        int[] ids = identity(n);
        if (!sorted) {
            return new Kept(ids, p);
        }
        ids = byDescendingProbability(p, ids);
        int keep = topK > 0 ? Math.min(topK, n) : n;
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            mass += p[ids[i]];
        }
        if (topP < 1) {
            double cum = 0;
            int j = 0;
            while (j < keep) {
                cum += p[ids[j]] / mass;
                j++;
                if (cum >= topP - TOP_P_SLACK) {
                    break;
                }
            }
            keep = j;
            mass = 0;
            for (int i = 0; i < keep; i++) {
                mass += p[ids[i]];
            }
        }
        int[] kid = Arrays.copyOf(ids, keep);
        double[] kp = new double[keep];
        for (int i = 0; i < keep; i++) {
            kp[i] = p[kid[i]] / mass;
        }
        return new Kept(kid, kp);
    }

    /** Softmax of {@code z/T} over the first n logits, in double precision. */
    static double[] softmax(float[] logits, int n, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = logits[i] / temperature;
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("logit " + i + " is NaN");
            }
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("all " + n + " logits are -infinity");
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int[] identity(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }

    /** Sorts ids by descending probability, ties by ascending id. */
    private static int[] byDescendingProbability(double[] p, int[] ids) {
        Integer[] boxed = new Integer[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        Arrays.sort(boxed, (a, b) -> {
            int c = Double.compare(p[b], p[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[ids.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return isGreedy() ? "greedy"
                : String.format(Locale.ROOT, "temperature=%s top-k=%d top-p=%s seed=%d", temperature, topK, topP, seed);
    }
}
