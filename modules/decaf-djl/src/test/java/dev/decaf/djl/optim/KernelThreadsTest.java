package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.decaf.djl.optim.kernel.ParallelRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer owns its kernel threads: sized by {@code optKernelThreads}, named after the
 * optimizer, daemons, released by {@code close()}; a pool the caller passes stays the caller's.
 */
class KernelThreadsTest {

    static final int N = 3 * ParallelRange.MIN_PARALLEL;

    static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).toList();
    }

    static void oneStep(AdamFamily opt, NDManager manager) {
        NamedParameterBlock block = new NamedParameterBlock(Map.of("w", new long[] {N}));
        block.initialize(manager, Map.of("w", new float[N]));
        NDArray w = block.param("w").getArray();
        try (NDArray g = manager.ones(w.getShape())) {
            opt.update(block.param("w").getId(), w, g);
        }
    }

    @Test
    void optimizerOwnsNamedDaemonThreadsUntilClosed() throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager()) {
            AdamW opt = AdamW.builder().optKernelThreads(2).build();
            assertEquals(2, opt.kernelThreads().threads());
            assertTrue(opt.describe().endsWith("× 2 threads"), opt.describe());
            oneStep(opt, manager);
            String prefix = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("decaf-adamw-") && n.contains("-kernel-")).findFirst()
                    .map(n -> n.substring(0, n.lastIndexOf('-') + 1)).orElseThrow();
            List<Thread> mine = threadsNamed(prefix);
            assertEquals(1, mine.size(), "one pool thread beside the caller: " + mine);
            assertTrue(mine.get(0).isDaemon(), "kernel threads are daemons");

            opt.close();
            opt.close(); // idempotent
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> oneStep(opt, manager));
            assertEquals("AdamW is closed", e.getMessage());
            for (int i = 0; i < 100 && !threadsNamed(prefix).isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), threadsNamed(prefix), "close() released the threads");
        }
    }

    @Test
    void oneThreadStartsNoPoolAndACallersPoolOutlivesTheOptimizer() {
        try (NDManager manager = NDManager.newBaseManager();
                ParallelRange shared = ParallelRange.create("shared-kernel", 2)) {
            AdamW single = AdamW.builder().optKernelThreads(1).build();
            oneStep(single, manager);
            single.close();

            AdamC a = AdamC.builder().optMaxLearningRate(1e-3).optKernelThreads(shared).build();
            AdamW b = AdamW.builder().optKernelThreads(shared).build();
            assertSame(shared, a.kernelThreads());
            oneStep(a, manager);
            a.close();
            oneStep(b, manager); // the shared pool still runs
            b.close();
            assertEquals(2, shared.sum(N, (from, to) -> 1), 0);
        }
    }

    @Test
    void threadCountIsValidated() {
        ValidationTest.assertRejects("kernel threads must be >= 1, got 0", () -> AdamW.builder().optKernelThreads(0).build());
        ValidationTest.assertRejects("kernel threads must be >= 1, got -2", () -> ParallelRange.create("x", -2));
    }
}
