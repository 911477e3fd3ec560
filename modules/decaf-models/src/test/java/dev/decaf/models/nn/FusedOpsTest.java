package dev.decaf.models.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The fused kernels and their composite fallbacks, values and derivatives, against the closed
 * forms in double precision: gelu(x) = ½x(1 + tanh u), u = c(x + a·x³),
 * gelu'(x) = ½(1 + tanh u) + ½x(1 − tanh²u)·c(1 + 3a·x²); silu(x) = x·σ(x).
 */
class FusedOpsTest {

    private static final double C = Math.sqrt(2 / Math.PI);
    private static final double A = 0.044715;

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(C * (x + A * x * x * x)));
    }

    static double geluPrime(double x) {
        double t = Math.tanh(C * (x + A * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * A * x * x);
    }

    @Test
    void theFusedKernelLoadsOnThePyTorchEngine() {
        assertEquals("PyTorch", Engine.getDefaultEngineName());
        assertTrue(FusedOps.fusedKernelsLoaded(), "a kernel module did not load");
    }

    @Test
    void fusedGeluMatchesTheClosedForm() {
        check(FusedOps::geluTanh);
    }

    @Test
    void compositeGeluMatchesTheClosedForm() {
        check(FusedOps::geluTanhComposite);
    }

    @Test
    void fusedSiluMatchesTheClosedForm() {
        check(FusedOps::silu, FusedOpsTest::silu, FusedOpsTest::siluPrime);
    }

    @Test
    void compositeSiluMatchesTheClosedForm() {
        check(FusedOps::siluComposite, FusedOpsTest::silu, FusedOpsTest::siluPrime);
    }

    static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    /** silu'(x) = σ(x)(1 + x(1 − σ(x))). */
    static double siluPrime(double x) {
        double s = 1 / (1 + Math.exp(-x));
        return s * (1 + x * (1 - s));
    }

    private static void check(UnaryOperator<NDArray> f) {
        check(f, FusedOpsTest::gelu, FusedOpsTest::geluPrime);
    }

    private static void check(UnaryOperator<NDArray> f, java.util.function.DoubleUnaryOperator value,
            java.util.function.DoubleUnaryOperator derivative) {
        float[] xs = new float[241];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -6f + i * 0.05f;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(xs);
            x.setRequiresGradient(true);
            float[] y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = f.apply(x.mul(m.ones(x.getShape()))); // a non-leaf input, as in a model
                y = out.toFloatArray();
                gc.backward(out.sum());
            }
            float[] dy = x.getGradient().toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                assertEquals(value.applyAsDouble(xs[i]), y[i], 2e-6 * Math.max(1, Math.abs(xs[i])), "f(" + xs[i] + ")");
                assertEquals(derivative.applyAsDouble(xs[i]), dy[i], 5e-6, "f'(" + xs[i] + ")");
            }
        }
    }
}
