package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tensors large enough to be split across threads: the fused multi-threaded kernel agrees with
 * the tensor-op path (the one GPU tensors take) and with a double-precision AdamC evaluated here,
 * and zeroes the real gradient over the whole tensor.
 */
class LargeTensorPathsTest {

    @Test
    void splitKernelAgreesWithTensorOpsAndTheFormula() {
        int rows = 700;
        int cols = 3 * ParallelRange.MIN_PARALLEL / 700 + 5;
        int n = rows * cols;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("big.weight", new long[] {rows, cols});
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(11);
            float[] init = manager.randomNormal(new Shape(n)).toFloatArray();
            NamedParameterBlock fast = new NamedParameterBlock(shapes);
            fast.initialize(manager, Map.of("big.weight", init));
            NamedParameterBlock slow = new NamedParameterBlock(shapes);
            slow.initialize(manager, Map.of("big.weight", init));
            Schedule schedule = Schedule.warmup(0.01, 2, 5, DecayShape.LINEAR, 0.0);
            AdamC.Builder fb = AdamC.builder().optLearningRateTracker(ScheduleTracker.of(schedule))
                    .optWeightDecays(0.5f).optParamGroups(ParamGroups.standard(fast));
            AdamC.Builder sb = AdamC.builder().optLearningRateTracker(ScheduleTracker.of(schedule))
                    .optWeightDecays(0.5f).optParamGroups(ParamGroups.standard(slow));
            sb.tensorOpsOnly = true;
            AdamC a = fb.build();
            AdamC b = sb.build();
            double[] theta = new double[n];
            double[] m = new double[n];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                theta[i] = init[i];
            }
            NDArray wf = fast.param("big.weight").getArray();
            int arraysAfterFirstStep = -1;
            for (int t = 1; t <= 4; t++) {
                NDArray grad = manager.randomNormal(0, 0.1f, new Shape(rows, cols), DataType.FLOAT32);
                float[] g = grad.toFloatArray();
                a.update(fast.param("big.weight").getId(), wf, grad);
                b.update(slow.param("big.weight").getId(), slow.param("big.weight").getArray(), grad);
                double lr = schedule.lr(t);
                for (int i = 0; i < n; i++) {
                    theta[i] *= 1 - 0.5 * lr * lr / 0.01;
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                    theta[i] -= lr / (1 - Math.pow(0.9, t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8);
                }
                grad.close();
                if (t == 1) {
                    arraysAfterFirstStep = manager.getManagedArrays().size();
                }
            }
            assertEquals(arraysAfterFirstStep, manager.getManagedArrays().size(),
                    "no tensor (or view) outlives its step on either path");
            float[] x = wf.toFloatArray();
            float[] y = slow.param("big.weight").getArray().toFloatArray();
            for (int i = 0; i < n; i++) {
                assertEquals(y[i], x[i], 1e-6f * Math.abs(y[i]) + 1e-8f, "kernel vs tensor ops at " + i);
                assertEquals(theta[i], x[i], 1e-5 * Math.abs(theta[i]) + 1e-7, "kernel vs formula at " + i);
            }
            try (NDArray real = wf.getGradient()) {
                assertEquals(0f, real.abs().sum().getFloat(), 0f, "gradient zeroed everywhere");
            }
        }
    }
}
