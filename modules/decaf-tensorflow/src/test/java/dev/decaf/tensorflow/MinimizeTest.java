package dev.decaf.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * {@code minimize(loss)} with TF's own gradients, the default (standard) groups and a schedule, against
 * {@code torch.optim.AdamW}'s update written out here in double precision: loss = Σw² + ΣW², so g = 2θ;
 * w is 1-D (default_no_decay, λ = 0), W is 2-D (default, λ = 0.1).
 */
class MinimizeTest {

    static final Schedule SCHEDULE = Schedule.warmup(0.1, 2, 5, DecayShape.COSINE, 0);
    static final double B1 = 0.9;
    static final double B2 = 0.999;
    static final double EPS = 1e-8;

    @Test
    void fiveStepsMatchAdamWInDoublePrecision() {
        double[] w0 = {1, -2, 3};
        double[] big0 = {0.5, -1, 2, 0.25};
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[] {1f, -2f, 3f}));
            Variable<TFloat32> big = tf.withName("dense.weight").variable(tf.constant(new float[][] {{0.5f, -1f}, {2f, 0.25f}}));
            var loss = tf.math.add(tf.sum(tf.math.square(tf.identity(w)), tf.constant(0)),
                    tf.sum(tf.math.square(tf.identity(big)), tf.constant(new int[] {0, 1})));
            AdamW opt = AdamW.builder().optSchedule(SCHEDULE).optWeightDecay(0.1).build(graph);
            Op train = opt.minimize(loss);
            String table = opt.groupTable();
            assertTrue(table.matches("(?s).*\\ndefault +1 +4 +0\\.1 +decoupled .*"), table);
            assertTrue(table.matches("(?s).*\\ndefault_no_decay +1 +3 +0 \\(none\\) .*"), table);
            try (Session s = new Session(graph)) {
                s.initialize();
                for (int t = 1; t <= 5; t++) {
                    opt.run(s.runner().addTarget(train)).close();
                }
                assertClose(adamW(w0, 0), fetch(s, w, 3));
                assertClose(adamW(big0, 0.1), fetch(s, big, 4));
            }
        }
    }

    /** torch.optim.AdamW on loss Σθ², five steps of SCHEDULE, in double. */
    static double[] adamW(double[] theta0, double lambda) {
        double[] theta = theta0.clone();
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        for (int t = 1; t <= 5; t++) {
            double lr = SCHEDULE.lr(t);
            for (int i = 0; i < theta.length; i++) {
                double g = 2 * theta[i];
                theta[i] *= 1 - lr * lambda;
                m[i] = B1 * m[i] + (1 - B1) * g;
                v[i] = B2 * v[i] + (1 - B2) * g * g;
                theta[i] -= lr / (1 - Math.pow(B1, t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(B2, t)) + EPS);
            }
        }
        return theta;
    }

    static float[] fetch(Session s, Variable<TFloat32> v, int n) {
        try (Result r = s.runner().fetch(v).run()) {
            float[] f = new float[n];
            ((TFloat32) r.get(0)).copyTo(DataBuffers.of(f, false, false));
            return f;
        }
    }

    static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }
}
