package dev.decaf.djl.optim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel computes exactly what the scalar kernel computes, bit for bit (same IEEE
 * operations in the same order; Java never fuses a multiply-add by itself), including the
 * scalar tail, every gradient-stage option, and a closed-form check of one element.
 */
class KernelAgreementTest {

    static final int N = 1000 * 16 + 7;

    static ByteBuffer random(Random r, float scale, boolean positive) {
        ByteBuffer b = ByteBuffer.allocateDirect(N * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < N; i++) {
            float x = (float) (r.nextGaussian() * scale);
            b.putFloat(i * 4, positive ? Math.abs(x) : x);
        }
        return b;
    }

    static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocateDirect(b.capacity()).order(ByteOrder.nativeOrder());
        c.put(b.duplicate().clear()).clear();
        return c;
    }

    @Test
    void vectorKernelIsInUseAndMatchesScalarBitForBit() {
        assertNotSame(AdamKernel.scalar(), AdamKernel.best(), "tests run with --add-modules jdk.incubator.vector");
        AdamCoefficients c = AdamCoefficients.of(7, 3e-3, 0.9, 0.999, 1e-8, 3e-3 * 0.1, 0.01, 0.5, 0.8);
        Random r = new Random(42);
        ByteBuffer p = random(r, 1, false);
        ByteBuffer g = random(r, 2, false);
        ByteBuffer m = random(r, 0.1f, false);
        ByteBuffer v = random(r, 0.01f, true);
        ByteBuffer[] a = {copy(p), copy(g), copy(m), copy(v)};
        ByteBuffer[] b = {copy(p), copy(g), copy(m), copy(v)};
        AdamKernel.scalar().step(a[0], a[1], a[2], a[3], a[1], 0, N, c);
        AdamKernel.best().step(b[0], b[1], b[2], b[3], b[1], 0, N, c);
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < N; i++) {
                assertEquals(Float.floatToRawIntBits(a[k].getFloat(i * 4)), Float.floatToRawIntBits(b[k].getFloat(i * 4)),
                        "buffer " + k + " element " + i);
            }
        }
        // the gradient buffer was zeroed after reading
        assertEquals(0f, b[1].getFloat(4 * (N - 1)));

        // one element by hand, in double: the formula of AdamCoefficients' Javadoc
        int i = N - 3;
        double theta = p.getFloat(i * 4);
        double grad = Math.max(-0.8, Math.min(0.8, g.getFloat(i * 4) * 0.5)) + 0.01 * theta;
        double mi = 0.9 * m.getFloat(i * 4) + 0.1 * grad;
        double vi = 0.999 * v.getFloat(i * 4) + 0.001 * grad * grad;
        double expected = theta * (1 - 3e-4)
                - 3e-3 / (1 - Math.pow(0.9, 7)) * mi / (Math.sqrt(vi) / Math.sqrt(1 - Math.pow(0.999, 7)) + 1e-8);
        assertEquals(expected, b[0].getFloat(i * 4), 1e-6 * Math.abs(expected) + 1e-7);
    }

    @Test
    void twoPhaseEqualsFusedAndSumsSecondMoment() {
        AdamCoefficients c = AdamCoefficients.of(3, 1e-2, 0.8, 0.95, 1e-6, 0.02, 0, 1, -1);
        Random r = new Random(7);
        ByteBuffer p = random(r, 1, false);
        ByteBuffer g = random(r, 1, false);
        ByteBuffer m = random(r, 0.1f, false);
        ByteBuffer v = random(r, 0.01f, true);
        ByteBuffer[] fused = {copy(p), copy(g), copy(m), copy(v)};
        AdamKernel.best().step(fused[0], fused[1], fused[2], fused[3], null, 0, N, c);
        for (AdamKernel k : new AdamKernel[] {AdamKernel.best(), AdamKernel.scalar()}) {
            ByteBuffer[] two = {copy(p), copy(g), copy(m), copy(v)};
            double sum = k.moments(two[0], two[1], two[2], two[3], null, 0, N, c);
            k.apply(two[0], two[2], two[3], 0, N, c);
            double expectedSum = 0;
            for (int i = 0; i < N; i++) {
                expectedSum += two[3].getFloat(i * 4);
                assertEquals(fused[0].getFloat(i * 4), two[0].getFloat(i * 4), 0f, "theta " + i);
            }
            assertEquals(expectedSum, sum, 1e-9 * expectedSum);
        }
    }

    @Test
    void maskedDecayAgreesBitForBitAndDecaysExactlyWhereSignsAgree() {
        // shrink 0.3 so a decayed coordinate is far from an undecayed one
        AdamCoefficients masked = AdamCoefficients.of(3, 1e-2, 0.8, 0.95, 1e-6, 0.3, true, 0, 1, -1);
        AdamCoefficients all = AdamCoefficients.of(3, 1e-2, 0.8, 0.95, 1e-6, 0.3, false, 0, 1, -1);
        AdamCoefficients none = AdamCoefficients.of(3, 1e-2, 0.8, 0.95, 1e-6, 0, false, 0, 1, -1);
        Random r = new Random(11);
        ByteBuffer p = random(r, 1, false);
        ByteBuffer g = random(r, 1, false);
        ByteBuffer m = random(r, 0.1f, false);
        ByteBuffer v = random(r, 0.01f, true);
        p.putFloat(0, 0f);       // θ = 0: m·θ = 0, counts as agreeing
        p.putFloat(4, -0f);
        g.putFloat(8, 0f);       // m = 0 after the step: agrees
        m.putFloat(8, 0f);
        ByteBuffer[] ref = {copy(p), copy(g), copy(m), copy(v)};
        ByteBuffer[] refNone = {copy(p), copy(g), copy(m), copy(v)};
        AdamKernel.scalar().step(ref[0], ref[1], ref[2], ref[3], null, 0, N, all);
        AdamKernel.scalar().step(refNone[0], refNone[1], refNone[2], refNone[3], null, 0, N, none);
        for (AdamKernel k : new AdamKernel[] {AdamKernel.best(), AdamKernel.scalar()}) {
            ByteBuffer[] one = {copy(p), copy(g), copy(m), copy(v)};
            ByteBuffer[] two = {copy(p), copy(g), copy(m), copy(v)};
            k.step(one[0], one[1], one[2], one[3], null, 0, N, masked);
            k.moments(two[0], two[1], two[2], two[3], null, 0, N, masked);
            k.apply(two[0], two[2], two[3], 0, N, masked);
            int decayed = 0;
            for (int i = 0; i < N; i++) {
                float theta = p.getFloat(i * 4);
                float mi = one[2].getFloat(i * 4);
                boolean agree = !(mi < 0 && theta > 0 || mi > 0 && theta < 0);
                float expected = (agree ? ref : refNone)[0].getFloat(i * 4);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(one[0].getFloat(i * 4)), "theta " + i);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(two[0].getFloat(i * 4)), "two-phase " + i);
                decayed += agree ? 1 : 0;
            }
            // random signs: about half decay
            assertTrue(decayed > N / 3 && decayed < 2 * N / 3, "decayed " + decayed + " of " + N);
        }
    }

    @Test
    void sumOfSquaresAndScale() {
        Random r = new Random(3);
        ByteBuffer x = random(r, 3, false);
        double expected = 0;
        for (int i = 0; i < N; i++) {
            expected += (double) x.getFloat(i * 4) * x.getFloat(i * 4);
        }
        assertEquals(expected, AdamKernel.best().sumOfSquares(x, 0, N), 1e-6 * expected);
        assertEquals(expected, AdamKernel.scalar().sumOfSquares(x, 0, N), 1e-12 * expected);
        ByteBuffer y = copy(x);
        AdamKernel.best().scale(y, 0.25f, 0, N);
        for (int i = 0; i < N; i++) {
            assertEquals(x.getFloat(i * 4) * 0.25f, y.getFloat(i * 4), 0f);
        }
    }

    @Test
    void parallelRangeCoversEveryElementOnce() {
        int n = ParallelRange.MIN_PARALLEL * 5 + 13;
        int[] hits = new int[n];
        double total;
        try (ParallelRange threads = ParallelRange.create("test-kernel", ParallelRange.defaultThreads())) {
            total = threads.sum(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits[i]++;
                }
                return to - from;
            });
        }
        assertEquals(n, total, 0);
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits[i], "element " + i);
        }
    }
}
