package dev.decaf.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * decaf's TF optimizers against the 60-step PyTorch 1.13 trajectories decaf-djl's tests use ({@code
 * golden/gen_adam_golden.py}): two groups (λ 0.1 / 0, lr ×1 / ×0.5), β = (0.8, 0.95), ε = 1e-6,
 * warm-up 10 + cosine to 60, gradients spanning 10 orders of magnitude with exact zeros.
 */
class GoldenTrajectoryTest {

    /** The tolerance, relative; the absolute floor covers weights crossing zero (as decaf-djl's test). */
    static final double REL = 1e-5;
    static final double ABS = 1e-7;

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "adamc", "adam_l2", "adams"})
    void matchesTorchAtEveryStep(String kase) {
        Golden g = Golden.INSTANCE;
        double worst = 0;
        try (GoldenGraph tf = new GoldenGraph(kase)) {
            for (int t = 1; t <= g.steps; t++) {
                tf.run(t, t);
                for (Map.Entry<String, float[]> e : tf.weights().entrySet()) {
                    float[] expected = g.expected(kase, e.getKey(), t);
                    float[] actual = e.getValue();
                    for (int i = 0; i < actual.length; i++) {
                        double err = Math.abs(actual[i] - expected[i]);
                        worst = Math.max(worst, err / (Math.abs(expected[i]) + ABS / REL));
                        assertTrue(err <= REL * Math.abs(expected[i]) + ABS, String.format(Locale.ROOT,
                                "%s %s step %d [%d]: TF %.9g, torch %.9g", kase, e.getKey(), t, i, actual[i], expected[i]));
                    }
                }
            }
            assertEquals(g.steps, tf.optimizer.step());
        }
        System.out.printf(Locale.ROOT, "TF %s: worst relative error against torch %.2e over %d steps%n", kase, worst, g.steps);
    }

    /** TF Java's own Adam gave four answers in four runs here; decaf's gives one, to the bit (AdamS: with its v̄ reduction). */
    @ParameterizedTest
    @ValueSource(strings = {"adamc", "adams"})
    void fiveRunsAreBitIdentical(String kase) {
        List<Map<String, float[]>> runs = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            try (GoldenGraph tf = new GoldenGraph(kase)) {
                tf.run(1, Golden.INSTANCE.steps);
                runs.add(tf.weights());
            }
        }
        for (int run = 1; run < 5; run++) {
            for (String name : runs.get(0).keySet()) {
                assertArrayEquals(bits(runs.get(0).get(name)), bits(runs.get(run).get(name)), "run " + run + ": " + name);
            }
        }
    }

    static int[] bits(float[] f) {
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }
}
