package dev.decaf.djl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import dev.decaf.djl.optim.AdamW;
import org.junit.jupiter.api.Test;

/**
 * One number sets libtorch's intra-op threads and the optimizer kernel's; 0 chooses from the
 * cores (or {@code OMP_NUM_THREADS}, which the user set); the start-up line reports what libtorch
 * and the optimizer say afterwards.
 */
class ComputeThreadsTest {

    @Test
    void anExplicitCountSetsBoth() {
        ComputeThreads t = ComputeThreads.choose(3, 2, "7", "5");
        assertEquals(3, t.intraOp());
        assertEquals(3, t.kernel(), "--threads wins over decaf.optimizer.threads");
    }

    @Test
    void automaticIsEveryCoreUnlessTheUserSaidOtherwise() {
        assertEquals(2, ComputeThreads.choose(0, 2, null, null).intraOp());
        assertEquals(2, ComputeThreads.choose(0, 2, null, null).kernel());
        assertEquals(16, ComputeThreads.choose(0, 16, null, null).intraOp());
        assertEquals(1, ComputeThreads.choose(0, 16, "1", null).intraOp(), "OMP_NUM_THREADS=1");
        assertEquals(1, ComputeThreads.choose(0, 16, "1", null).kernel());
        assertEquals(4, ComputeThreads.choose(0, 4, "0", null).intraOp(), "OpenMP ignores 0");
        assertEquals(4, ComputeThreads.choose(0, 4, "two", null).intraOp(), "and a malformed value");
        assertEquals(3, ComputeThreads.choose(0, 4, null, "3").kernel(), "decaf.optimizer.threads");
        assertEquals(4, ComputeThreads.choose(0, 4, null, "3").intraOp());
    }

    @Test
    void aNegativeCountIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeThreads.choose(-1));
        assertEquals("threads must be >= 0 (0: automatic), got -1", e.getMessage());
    }

    @Test
    void applyReachesLibtorchAndTheLineSaysWhatItReports() {
        int before = JniUtils.getNumThreads();
        try {
            for (int n : new int[] {1, 2, 3}) {
                ComputeThreads t = ComputeThreads.choose(n).apply();
                assertEquals(n, JniUtils.getNumThreads(), "torch.get_num_threads() after --threads " + n);
                assertEquals(1, JniUtils.getNumInteropThreads());
                AdamW opt = AdamW.builder().optKernelThreads(t.kernel()).build();
                try {
                    assertEquals(n, opt.kernelThreads().threads());
                    String line = t.describe(opt);
                    assertTrue(line.startsWith("threads: " + n + " intra-op (requested), 1 inter-op, optimizer kernel "
                            + n + ", "), line);
                } finally {
                    opt.close();
                }
            }
            ComputeThreads auto = ComputeThreads.choose(0).apply();
            int expected = System.getenv("OMP_NUM_THREADS") != null ? auto.intraOp()
                    : Runtime.getRuntime().availableProcessors();
            assertEquals(expected, JniUtils.getNumThreads());
            // surefire passes jvm.properties' environment, so the OpenMP variable is in the line
            assertTrue(auto.describe(null).endsWith(", GOMP_SPINCOUNT=" + System.getenv("GOMP_SPINCOUNT")),
                    auto.describe(null));
        } finally {
            JniUtils.setNumThreads(before);
        }
    }
}
