package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Global-norm clipping against the closed form of {@code torch.nn.utils.clip_grad_norm_}. */
class GradientClippingTest {

    @Test
    void clipsToTheGlobalNormAndReturnsTheNormBefore() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // ‖(3, 4)‖² + ‖(12)‖² = 9 + 16 + 144 = 169 → n = 13
            NDArray a = manager.create(new float[] {3, 4});
            NDArray b = manager.create(new float[] {12});
            double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 6.5);
            assertEquals(13.0, norm, 1e-12);
            float c = (float) (6.5 / (13.0 + 1e-6));
            assertArrayEquals(new float[] {3 * c, 4 * c}, a.toFloatArray(), 0f);
            assertArrayEquals(new float[] {12 * c}, b.toFloatArray(), 0f);
            // now at the bound: measured, unchanged
            float[] kept = a.toFloatArray();
            assertEquals(6.5, GradientClipping.clipGlobalNorm(List.of(a, b), 6.5), 1e-5);
            assertArrayEquals(kept, a.toFloatArray(), 0f);
        }
    }

    @Test
    void largeTensorsTakeTheParallelPathAndNonFiniteNormsLeaveGradientsAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int n = 300_001;
            NDArray big = manager.ones(new ai.djl.ndarray.types.Shape(n)).mul(2f);
            double norm = GradientClipping.clipGlobalNorm(List.of(big), 1.0);
            assertEquals(2 * Math.sqrt(n), norm, 1e-9 * norm);
            float expected = 2f * (float) (1.0 / (2 * Math.sqrt(n) + 1e-6));
            assertEquals(expected, big.getFloat(n - 1), 0f);
            assertEquals(1.0, Math.sqrt(big.square().sum().getFloat()), 1e-4);

            NDArray inf = manager.create(new float[] {Float.POSITIVE_INFINITY, 1});
            assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipGlobalNorm(List.of(inf), 1.0));
            assertEquals(1f, inf.getFloat(1));
            assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipGlobalNorm(List.of(inf), 0));
        }
    }
}
