package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.decaf.core.schedule.DecayShape;
import dev.decaf.core.schedule.Schedule;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Two optimizers stepping at the same time on two threads (AdamW, and AdamS with its two-phase
 * step) each give, bit for bit, the weights they give alone: they share no state and no kernel
 * threads. The large tensor is split across each optimizer's own threads.
 */
class ConcurrentOptimizersTest {

    static final int STEPS = 6;
    static final int ROWS = 700;
    static final int COLS = 3 * ParallelRange.MIN_PARALLEL / 700 + 5;

    /** One training job: its block, its optimizer, its gradients. */
    static final class Job {
        final NamedParameterBlock block;
        final AdamFamily optimizer;
        final List<String> names;
        final Map<String, List<float[]>> grads = new LinkedHashMap<>();
        final NDManager manager;

        Job(NDManager manager, long seed, Function<NamedParameterBlock, AdamFamily> build) {
            this.manager = manager;
            Map<String, long[]> shapes = new LinkedHashMap<>();
            shapes.put("big.weight", new long[] {ROWS, COLS});
            shapes.put("small.weight", new long[] {8, 8});
            shapes.put("small.bias", new long[] {8});
            SplittableRandom random = new SplittableRandom(seed);
            Map<String, float[]> init = new LinkedHashMap<>();
            shapes.forEach((name, shape) -> {
                int n = Math.toIntExact(new Shape(shape).size());
                init.put(name, BitExactWeightsTest.normals(random, n, 1));
                List<float[]> g = new java.util.ArrayList<>();
                for (int t = 0; t < STEPS; t++) {
                    g.add(BitExactWeightsTest.normals(random, n, 0.1));
                }
                grads.put(name, g);
            });
            this.block = new NamedParameterBlock(shapes);
            block.initialize(manager, init);
            this.names = List.copyOf(shapes.keySet());
            this.optimizer = build.apply(block);
        }

        void step(int t) {
            for (String name : names) {
                NDArray w = block.param(name).getArray();
                try (NDArray g = manager.create(grads.get(name).get(t), w.getShape())) {
                    optimizer.update(block.param(name).getId(), w, g);
                }
            }
        }

        Map<String, float[]> weights() {
            Map<String, float[]> out = new LinkedHashMap<>();
            names.forEach(n -> out.put(n, block.param(n).getArray().toFloatArray()));
            return out;
        }
    }

    static AdamFamily adamw(NamedParameterBlock block) {
        return AdamW.builder().optWeightDecays(0.1f)
                .optLearningRateTracker(ScheduleTracker.of(Schedule.warmup(0.01, 2, STEPS, DecayShape.COSINE, 0.1)))
                .optParamGroups(ParamGroups.standard(block)).build();
    }

    static AdamFamily adams(NamedParameterBlock block) {
        return AdamS.builder().optWeightDecays(0.05f)
                .optLearningRateTracker(ScheduleTracker.of(Schedule.warmup(0.02, 1, STEPS, DecayShape.LINEAR, 0.0)))
                .optParamGroups(ParamGroups.standard(block)).build();
    }

    @Test
    void twoOptimizersOnTwoThreadsGiveTheirWeightsAlone() throws Exception {
        Map<String, float[]> aloneW;
        Map<String, float[]> aloneS;
        try (NDManager manager = NDManager.newBaseManager()) {
            Job w = new Job(manager, 1, ConcurrentOptimizersTest::adamw);
            Job s = new Job(manager, 2, ConcurrentOptimizersTest::adams);
            try (AdamFamily ow = w.optimizer; AdamFamily os = s.optimizer) {
                for (int t = 0; t < STEPS; t++) {
                    w.step(t);
                }
                for (int t = 0; t < STEPS; t++) {
                    s.step(t);
                }
            }
            aloneW = w.weights();
            aloneS = s.weights();
        }

        ExecutorService two = Executors.newFixedThreadPool(2);
        try (NDManager mw = NDManager.newBaseManager(); NDManager ms = NDManager.newBaseManager()) {
            Job w = new Job(mw, 1, ConcurrentOptimizersTest::adamw);
            Job s = new Job(ms, 2, ConcurrentOptimizersTest::adams);
            assertNotSame(w.optimizer.kernelThreads(), s.optimizer.kernelThreads());
            // Both threads start every step together, so their kernels overlap.
            CyclicBarrier together = new CyclicBarrier(2);
            Future<?> fw = two.submit(() -> run(w, together));
            Future<?> fs = two.submit(() -> run(s, together));
            fw.get();
            fs.get();
            w.optimizer.close();
            s.optimizer.close();
            assertSame(aloneW, w.weights(), "AdamW");
            assertSame(aloneS, s.weights(), "AdamS");
        } finally {
            two.shutdownNow();
        }
    }

    private static Void run(Job job, CyclicBarrier together) throws Exception {
        for (int t = 0; t < STEPS; t++) {
            together.await();
            job.step(t);
        }
        return null;
    }

    private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), actual.get(name), 0f, what + " " + name);
        }
    }
}
