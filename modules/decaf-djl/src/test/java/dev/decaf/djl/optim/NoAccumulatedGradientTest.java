package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/**
 * An update of a parameter that holds no accumulated gradient (no backward reached it: libtorch's
 * {@code .grad} is undefined) takes the gradient it is handed and materialises none of its own;
 * one that holds one has it zeroed. One AdamW step by hand: m̂ = g, v̂ = g², so
 * θ₁ = θ₀·(1 − γλ) − γ·g/(|g| + ε).
 */
class NoAccumulatedGradientTest {

    static final float LR = 0.1f;
    static final float LAMBDA = 0.01f;

    static float[] oneStepByHand(float[] w0, float[] g) {
        float[] out = new float[w0.length];
        for (int i = 0; i < w0.length; i++) {
            out[i] = (float) (w0[i] * (1 - (double) LR * LAMBDA) - LR * g[i] / (Math.abs(g[i]) + 1e-8));
        }
        return out;
    }

    static AdamW adamW(boolean tensorOps) {
        AdamW.Builder b = AdamW.builder().optLearningRateTracker(Tracker.fixed(LR)).optWeightDecays(LAMBDA);
        b.tensorOpsOnly = tensorOps;
        return b.build();
    }

    @Test
    void aParameterNeverBackPropagatedStepsOnTheGivenGradientAndKeepsNone() {
        for (boolean tensorOps : new boolean[] {false, true}) {
            try (NDManager manager = NDManager.newBaseManager(); AdamW opt = adamW(tensorOps)) {
                float[] w0 = {1f, -2f, 0.5f};
                float[] g = {0.5f, -2f, 3f};
                NDArray w = manager.create(w0);
                w.setRequiresGradient(true);
                try (NDArray grad = manager.create(g)) {
                    opt.update("w", w, grad);
                }
                assertArrayEquals(oneStepByHand(w0, g), w.toFloatArray(), 1e-6f, "tensor ops " + tensorOps);
                assertNull(JniUtils.getGradient((PtNDArray) w), "no gradient attached, tensor ops " + tensorOps);
            }
        }
    }

    @Test
    void aParameterThatHoldsAGradientHasItZeroed() {
        for (boolean tensorOps : new boolean[] {false, true}) {
            try (NDManager manager = NDManager.newBaseManager(); AdamW opt = adamW(tensorOps)) {
                float[] w0 = {1f, -2f, 0.5f};
                NDArray w = manager.create(w0);
                w.setRequiresGradient(true);
                try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                    gc.backward(w.mul(manager.create(new float[] {0.5f, -2f, 3f})).sum()); // ∂/∂w = (0.5, −2, 3)
                }
                try (NDArray grad = w.getGradient().duplicate()) {
                    opt.update("w", w, grad);
                }
                assertArrayEquals(oneStepByHand(w0, new float[] {0.5f, -2f, 3f}), w.toFloatArray(), 1e-6f);
                try (NDArray after = w.getGradient()) {
                    assertArrayEquals(new float[3], after.toFloatArray(), 0f, "tensor ops " + tensorOps);
                }
                assertEquals(1, opt.step("w"));
            }
        }
    }
}
