package dev.decaf.tensorflow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TensorFlow and decaf-djl run the same optimizer on the golden problem: their trajectories agree,
 * and optimizer state saved by one engine after 25 steps (with the weights handed over) continues in
 * the other to within 1e-6 of an uninterrupted run in either engine.
 */
class CrossEngineTest {

    static final int STOP = 25;
    static final double TOL = 1e-6;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "adamc", "adam_l2", "adams"})
    void tfAndDjlAgreeAtEveryStep(String kase) {
        Golden g = Golden.INSTANCE;
        double worst = 0;
        long same = 0;
        long total = 0;
        try (GoldenGraph tf = new GoldenGraph(kase); DjlGoldenRun djl = new DjlGoldenRun(kase, g.init)) {
            for (int t = 1; t <= g.steps; t++) {
                tf.run(t, t);
                djl.run(t, t);
                Map<String, float[]> a = tf.weights();
                Map<String, float[]> b = djl.weights();
                worst = Math.max(worst, maxDiff(a, b));
                for (String n : a.keySet()) {
                    for (int i = 0; i < a.get(n).length; i++) {
                        same += Float.floatToRawIntBits(a.get(n)[i]) == Float.floatToRawIntBits(b.get(n)[i]) ? 1 : 0;
                        total++;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: TF vs decaf-djl over %d steps: max |Δθ| %.2e, %d of %d values bit-equal%n",
                kase, g.steps, worst, same, total);
        assertTrue(worst <= TOL, kase + ": TF and decaf-djl differ by " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "adamc", "adams"})
    void stateSavedInTensorFlowContinuesInDjl(String kase) throws IOException {
        Golden g = Golden.INSTANCE;
        Map<String, float[]> straightTf;
        Map<String, float[]> straightDjl;
        Map<String, float[]> handedOver;
        try (GoldenGraph tf = new GoldenGraph(kase)) {
            tf.run(1, STOP);
            tf.save(dir);
            handedOver = tf.weights();
            tf.run(STOP + 1, g.steps);
            straightTf = tf.weights();
        }
        try (DjlGoldenRun djl = new DjlGoldenRun(kase, g.init)) {
            djl.run(1, g.steps);
            straightDjl = djl.weights();
        }
        try (DjlGoldenRun resumed = new DjlGoldenRun(kase, handedOver)) {
            resumed.load(dir);
            resumed.run(STOP + 1, g.steps);
            assertClose(kase + " TF→DJL vs uninterrupted DJL", straightDjl, resumed.weights());
            assertClose(kase + " TF→DJL vs uninterrupted TF", straightTf, resumed.weights());
            assertTrue(resumed.optimizer.step("head.weight") == g.steps, "step count continues from the TF state");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "adamc", "adams"})
    void stateSavedInDjlContinuesInTensorFlow(String kase) throws IOException {
        Golden g = Golden.INSTANCE;
        Map<String, float[]> straightDjl;
        Map<String, float[]> handedOver;
        try (DjlGoldenRun djl = new DjlGoldenRun(kase, g.init)) {
            djl.run(1, STOP);
            djl.save(dir);
            handedOver = djl.weights();
            djl.run(STOP + 1, g.steps);
            straightDjl = djl.weights();
        }
        Map<String, float[]> straightTf;
        try (GoldenGraph tf = new GoldenGraph(kase)) {
            tf.run(1, g.steps);
            straightTf = tf.weights();
        }
        try (GoldenGraph resumed = new GoldenGraph(kase, handedOver)) {
            resumed.load(dir);
            assertTrue(resumed.optimizer.step() == STOP, "step count continues from the DJL state");
            resumed.run(STOP + 1, g.steps);
            assertClose(kase + " DJL→TF vs uninterrupted TF", straightTf, resumed.weights());
            assertClose(kase + " DJL→TF vs uninterrupted DJL", straightDjl, resumed.weights());
        }
    }

    static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double worst = 0;
        for (String n : a.keySet()) {
            for (int i = 0; i < a.get(n).length; i++) {
                worst = Math.max(worst, Math.abs(a.get(n)[i] - b.get(n)[i]));
            }
        }
        return worst;
    }

    static void assertClose(String what, Map<String, float[]> expected, Map<String, float[]> actual) {
        double d = maxDiff(expected, actual);
        System.out.printf(Locale.ROOT, "%s: max |Δθ| %.2e%n", what, d);
        assertTrue(d <= TOL, what + ": max |Δθ| " + d);
    }
}
