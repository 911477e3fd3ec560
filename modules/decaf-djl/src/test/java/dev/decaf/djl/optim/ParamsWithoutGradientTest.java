package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A parameter whose gradient is all zeros in a step (what DJL hands over when no backward reached
 * it): by default it still moves by momentum and decay, as in DJL's own optimizers; with {@code
 * optSkipParamsWithoutGradient(true)} it is left alone, as {@code torch.optim} leaves a parameter
 * whose grad is None, and its next real step continues its own count. AdamW written out by hand:
 *
 * <pre>
 * m ← β1·m + (1−β1)·g ; v ← β2·v + (1−β2)·g² ; θ ← θ·(1 − γλ) − γ/(1−β1^t) · m/(√(v/(1−β2^t)) + ε)
 * </pre>
 */
class ParamsWithoutGradientTest {

    static final double LR = 0.1;
    static final double LAMBDA = 0.2;
    static final double B1 = 0.9;
    static final double B2 = 0.999;

    /** One parameter of one element, by hand: the state after a list of (gradient or null) steps. */
    static double byHand(double theta, Double[] grads, boolean skip) {
        double m = 0;
        double v = 0;
        int t = 0;
        for (Double g : grads) {
            double gi = g == null ? 0 : g;
            if (g == null && skip) {
                continue;
            }
            t++;
            m = B1 * m + (1 - B1) * gi;
            v = B2 * v + (1 - B2) * gi * gi;
            theta = theta * (1 - LR * LAMBDA) - LR / (1 - Math.pow(B1, t)) * m / (Math.sqrt(v / (1 - Math.pow(B2, t))) + 1e-8);
        }
        return theta;
    }

    static void run(boolean skip) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("a.weight", new long[] {1, 1});
        shapes.put("b.weight", new long[] {1, 1});
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(shapes);
            block.initialize(manager, Map.of("a.weight", new float[] {1f}, "b.weight", new float[] {-2f}));
            AdamW opt = AdamW.builder().optLearningRateTracker(Tracker.fixed((float) LR)).optWeightDecays((float) LAMBDA)
                    .optSkipParamsWithoutGradient(skip).optParamGroups(ParamGroups.all(block)).build();
            // b has a gradient at steps 1 and 4 only; a at every step
            Double[] aGrads = {0.5, -0.25, 1.0, 0.75};
            Double[] bGrads = {2.0, null, null, -1.0};
            for (int t = 0; t < 4; t++) {
                for (String name : new String[] {"a.weight", "b.weight"}) {
                    Double g = (name.startsWith("a") ? aGrads : bGrads)[t];
                    NDArray w = block.param(name).getArray();
                    try (NDArray grad = manager.create(new float[] {g == null ? 0f : g.floatValue()}, w.getShape())) {
                        opt.update(block.param(name).getId(), w, grad);
                    }
                }
                if (t == 2) {
                    float expectedB = (float) byHand(-2, new Double[] {2.0, null, null}, skip);
                    assertEquals(expectedB, block.param("b.weight").getArray().getFloat(0, 0), 1e-6f, "skip " + skip);
                    assertEquals(skip ? 1 : 3, opt.step("b.weight"));
                }
            }
            assertArrayEquals(new float[] {(float) byHand(1, aGrads, skip), (float) byHand(-2, bGrads, skip)},
                    new float[] {block.param("a.weight").getArray().getFloat(0, 0), block.param("b.weight").getArray().getFloat(0, 0)},
                    1e-6f, "skip " + skip);
            assertEquals(4, opt.step("a.weight"));
            assertEquals(skip ? 2 : 4, opt.step("b.weight"));
        }
    }

    @Test
    void byDefaultAParameterWithoutGradientMovesByMomentumAndDecay() {
        run(false);
        // the two rules differ at step 2 already: the default shrinks b and keeps moving it
        assertEquals(-2 * (1 - LR * LAMBDA) - LR, byHand(-2, new Double[] {2.0}, false), 1e-7);
        assertNotEquals(byHand(-2, new Double[] {2.0, null}, false), byHand(-2, new Double[] {2.0, null}, true));
    }

    @Test
    void skippingLeavesWeightsMomentsAndStepCountAsTheyWere() {
        run(true);
    }

    @Test
    void theNoGradientTestStopsAtTheFirstNonZeroAndTakesMinusZeroForZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertTrue(AccumulatedGradient.allZero(manager.create(new float[] {0f, -0f, 0f})));
            assertFalse(AccumulatedGradient.allZero(manager.create(new float[] {0f, 0f, 1e-45f})));
            assertFalse(AccumulatedGradient.allZero(manager.create(new float[] {0f, Float.NaN})));
            assertFalse(AccumulatedGradient.allZero(manager.create(new float[] {-0f, 0f, 0f, 0f, -3f})));
            assertTrue(AccumulatedGradient.allZero(manager.create(new double[] {0, -0.0})), "tensor-op path");
            assertFalse(AccumulatedGradient.allZero(manager.create(new double[] {0, 1e-300})), "tensor-op path");
        }
    }
}
