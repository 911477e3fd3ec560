package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.decaf.core.schedule.Schedule;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One step of {@link CautiousAdamW} worked by hand: the coordinates where the Adam update u and
 * θ agree in sign decay, the others do not.
 *
 * <pre>
 * γ = 0.1, λ = 0.5 (γλ = 0.05), β = (0.9, 0.999), ε = 1e-8, t = 1
 * m = 0.1·g, v = 0.001·g²; m̂ = g, v̂ = g², u = g/(|g| + ε) = ±(1 − 2e-8) for |g| = 0.5, 0 for g = 0
 *
 *  θ     g      u        u·θ    decays   θ·(1 − γλ)  − γ·u      result
 *  1.0   0.5   +1       &gt; 0    yes      0.95        − 0.1      0.85
 *  1.0  −0.5   −1       &lt; 0    no       1.0         + 0.1      1.1
 * −2.0  −0.5   −1       &gt; 0    yes     −1.9         + 0.1     −1.8
 * −2.0   0.5   +1       &lt; 0    no      −2.0         − 0.1     −2.1
 *  1.0   0      0       = 0    yes      0.95        − 0        0.95
 * </pre>
 *
 * (γ·u differs from 0.1 by 2e-9, below float's resolution at these values.) AdamW would give
 * 0.85, 1.05, −1.8, −2.0, 0.95.
 */
class CautiousDecayByHandTest {

    @ParameterizedTest
    @EnumSource(GoldenTrajectoryTest.Path.class)
    void decaysOnlyWhereUpdateAndWeightAgree(GoldenTrajectoryTest.Path path) {
        float[] theta = {1.0f, 1.0f, -2.0f, -2.0f, 1.0f};
        float[] grad = {0.5f, -0.5f, -0.5f, 0.5f, 0f};
        float[] expected = {0.85f, 1.1f, -1.8f, -2.1f, 0.95f};
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = new NamedParameterBlock(Map.of("w", new long[] {5}));
            block.initialize(manager, Map.of("w", theta));
            CautiousAdamW.Builder b = CautiousAdamW.builder()
                    .optLearningRateTracker(ScheduleTracker.of(Schedule.constant(0.1)))
                    .optWeightDecays(0.5f).optParamGroups(ParamGroups.all(block))
                    .optFusedKernel(path != GoldenTrajectoryTest.Path.SCALAR);
            b.tensorOpsOnly = path == GoldenTrajectoryTest.Path.TENSOR_OPS;
            try (CautiousAdamW opt = b.build(); NDArray g = manager.create(grad, new Shape(5))) {
                opt.update(block.param("w").getId(), block.param("w").getArray(), g);
            }
            assertArrayEquals(expected, block.param("w").getArray().toFloatArray(), 1e-6f);
        }
    }
}
