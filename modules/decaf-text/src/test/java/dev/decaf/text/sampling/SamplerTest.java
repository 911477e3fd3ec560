package dev.decaf.text.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Closed-form checks of the sampling distributions and of seeded sampling. */
class SamplerTest {

    static float[] logitsOf(double... probs) {
        float[] z = new float[probs.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) Math.log(probs[i]);
        }
        return z;
    }

    static float[] randomLogits(SplittableRandom r, int n, double scale) {
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) (r.nextGaussian() * scale);
        }
        return z;
    }

    static int[] support(double[] p) {
        return java.util.stream.IntStream.range(0, p.length).filter(i -> p[i] > 0).toArray();
    }

    @Test
    void greedyIsTheArgmaxWithTiesToTheSmallestId() {
        assertEquals(2, Sampler.greedy().sample(new float[] {1, 3, 5, 5, -2}));
        assertEquals(0, Sampler.greedy().sample(new float[] {7, 7, 7}));
        assertEquals(1, Sampler.greedy().sample(new float[] {Float.NEGATIVE_INFINITY, -1e30f, Float.NaN}));
        assertArrayEquals(new double[] {0, 0, 1, 0, 0}, Sampler.greedy().distribution(new float[] {1, 3, 5, 5, -2}));
        assertEquals(1, Sampler.greedy().sample(new float[] {1, 3, 5, 5, -2}, 2), "only the first 2 ids");
    }

    @Test
    void topKOneEqualsGreedyAtAnyTemperatureAndSeed() {
        SplittableRandom r = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            float[] z = randomLogits(r, 50, 3);
            if (trial % 10 == 0) {
                z[r.nextInt(50)] = z[Sampler.argmax(z)]; // a tie: the smaller id wins in both
            }
            Sampler s = new Sampler(0.1 + 3 * r.nextDouble(), 1, trial % 2 == 0 ? 1.0 : 0.3, trial);
            assertEquals(Sampler.argmax(z), s.sample(z));
            double[] p = s.distribution(z);
            assertEquals(1.0, p[Sampler.argmax(z)], 0);
        }
    }

    @Test
    void temperatureScalesTheSoftmax() {
        float[] z = {0.5f, -1f, 2f, 0f};
        double t = 0.7;
        double[] p = new Sampler(t, 0, 1, 0).distribution(z);
        double norm = 0;
        for (float v : z) {
            norm += Math.exp(v / t);
        }
        for (int i = 0; i < z.length; i++) {
            assertEquals(Math.exp(z[i] / t) / norm, p[i], 1e-12);
        }
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        float[] z = logitsOf(0.1, 0.4, 0.2, 0.3); // descending: id 1 (.4), 3 (.3), 2 (.2), 0 (.1)
        assertArrayEquals(new int[] {1}, support(new Sampler(1, 0, 0.35, 0).distribution(z)));
        assertArrayEquals(new int[] {1, 3}, support(new Sampler(1, 0, 0.5, 0).distribution(z)));
        assertArrayEquals(new int[] {1, 2, 3}, support(new Sampler(1, 0, 0.8, 0).distribution(z)));
        assertArrayEquals(new int[] {0, 1, 2, 3}, support(new Sampler(1, 0, 0.95, 0).distribution(z)));
        double[] p = new Sampler(1, 0, 0.5, 0).distribution(z);
        assertEquals(0.4 / 0.7, p[1], 1e-6);
        assertEquals(0.3 / 0.7, p[3], 1e-6);

        // Exact ties: four equal probabilities, p = 0.5 reached exactly by the two smallest ids.
        float[] flat = {0, 0, 0, 0};
        assertArrayEquals(new int[] {0, 1}, support(new Sampler(1, 0, 0.5, 0).distribution(flat)));
        assertArrayEquals(new int[] {0, 1, 2}, support(new Sampler(1, 0, 0.51, 0).distribution(flat)));
        // The most probable id is always kept.
        assertArrayEquals(new int[] {1}, support(new Sampler(1, 0, 1e-9, 0).distribution(z)));
    }

    @Test
    void topKThenTopPOnTheRenormalisedTopK() {
        float[] z = logitsOf(0.1, 0.4, 0.2, 0.3);
        assertArrayEquals(new int[] {1, 3}, support(new Sampler(1, 2, 1, 0).distribution(z)));
        assertArrayEquals(new int[] {1, 2, 3}, support(new Sampler(1, 3, 1, 0).distribution(z)));
        // top-k 3 renormalises to .4/.9, .3/.9, .2/.9: cumulative .444, .778, 1 → p = .7 keeps {1, 3}
        double[] p = new Sampler(1, 3, 0.7, 0).distribution(z);
        assertArrayEquals(new int[] {1, 3}, support(p));
        assertEquals(4.0 / 7, p[1], 1e-6);
        // ties in top-k go to the smaller id
        assertArrayEquals(new int[] {0, 1}, support(new Sampler(1, 2, 1, 0).distribution(new float[] {1, 1, 1, 0})));
    }

    @Test
    void seededDrawsMatchTheRenormalisedProbabilities() {
        SplittableRandom r = new SplittableRandom(7);
        float[] z = randomLogits(r, 12, 1.5);
        Sampler[] samplers = {new Sampler(1, 0, 1, 11), new Sampler(0.7, 5, 1, 12), new Sampler(1.3, 0, 0.8, 13),
            new Sampler(0.9, 6, 0.85, 14)};
        int draws = 200_000;
        for (Sampler s : samplers) {
            double[] p = s.distribution(z);
            double total = 0;
            for (double v : p) {
                total += v;
            }
            assertEquals(1.0, total, 1e-12, s.toString());
            int[] counts = new int[z.length];
            for (int i = 0; i < draws; i++) {
                counts[s.sample(z)]++;
            }
            for (int i = 0; i < z.length; i++) {
                double f = counts[i] / (double) draws;
                if (p[i] == 0) {
                    assertEquals(0, counts[i], s + ": id " + i + " was filtered out");
                } else {
                    double sigma = Math.sqrt(p[i] * (1 - p[i]) / draws);
                    assertTrue(Math.abs(f - p[i]) < 5 * sigma + 1e-9,
                            s + ": id " + i + " frequency " + f + " vs probability " + p[i]);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameDraws() {
        float[] z = randomLogits(new SplittableRandom(3), 100, 1);
        Sampler a = new Sampler(1, 40, 0.9, 42);
        Sampler b = new Sampler(1, 40, 0.9, 42);
        Sampler c = a.withSeed(43);
        int[] da = new int[50];
        int[] db = new int[50];
        int[] dc = new int[50];
        for (int i = 0; i < 50; i++) {
            da[i] = a.sample(z);
            db[i] = b.sample(z);
            dc[i] = c.sample(z);
        }
        assertArrayEquals(da, db);
        assertNotEquals(java.util.Arrays.toString(da), java.util.Arrays.toString(dc));
        // each draw consumes exactly one nextDouble of SplittableRandom(seed), inverse CDF in id order
        Sampler plain = new Sampler(1, 0, 1, 5);
        SplittableRandom ref = new SplittableRandom(5);
        double[] p = plain.distribution(z);
        for (int i = 0; i < 20; i++) {
            double u = ref.nextDouble();
            double cum = 0;
            int want = z.length - 1;
            for (int k = 0; k < z.length; k++) {
                cum += p[k];
                if (u < cum) {
                    want = k;
                    break;
                }
            }
            assertEquals(want, plain.sample(z));
        }
    }

    @Test
    void onlyTheFirstNIdsAreChosen() {
        float[] z = {0, 0, 0, 10, 10};
        Sampler s = new Sampler(1, 0, 1, 0);
        for (int i = 0; i < 100; i++) {
            assertTrue(s.sample(z, 3) < 3);
        }
        double[] p = s.distribution(z, 3);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0}, p, 1e-12);
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Sampler(-1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(Double.NaN, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 0, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 0, 1, 0).sample(new float[] {1, 2}, 3));
    }
}
