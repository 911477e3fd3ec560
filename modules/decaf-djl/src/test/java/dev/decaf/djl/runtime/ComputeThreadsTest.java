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
        ComputeThreads t = ComputeThreads.choose(3, 2, "7", "5", 0);
        assertEquals(3, t.intraOp());
        assertEquals(3, t.kernel(), "--threads wins over decaf.optimizer.threads");
    }

    @Test
    void automaticIsEveryCoreUnlessTheUserSaidOtherwise() {
        assertEquals(2, ComputeThreads.choose(0, 2, null, null, 0).intraOp());
        assertEquals(2, ComputeThreads.choose(0, 2, null, null, 0).kernel());
        assertEquals(16, ComputeThreads.choose(0, 16, null, null, 0).intraOp());
        assertEquals(1, ComputeThreads.choose(0, 16, "1", null, 0).intraOp(), "OMP_NUM_THREADS=1");
        assertEquals(1, ComputeThreads.choose(0, 16, "1", null, 0).kernel());
        assertEquals(4, ComputeThreads.choose(0, 4, "0", null, 0).intraOp(), "OpenMP ignores 0");
        assertEquals(4, ComputeThreads.choose(0, 4, "two", null, 0).intraOp(), "and a malformed value");
        assertEquals(3, ComputeThreads.choose(0, 4, null, "3", 0).kernel(), "decaf.optimizer.threads");
        assertEquals(4, ComputeThreads.choose(0, 4, null, "3", 0).intraOp());
    }

    @Test
    void automaticLeavesTheCoresOtherProcessesKeepBusy() {
        assertEquals(1, ComputeThreads.choose(0, 2, null, null, 1.0).intraOp(), "a busy loop on one of two cores");
        assertEquals(1, ComputeThreads.choose(0, 2, null, null, 1.0).kernel());
        assertEquals(2, ComputeThreads.choose(0, 2, null, null, 0.4).intraOp(), "background noise");
        assertEquals(1, ComputeThreads.choose(0, 2, null, null, 5.0).intraOp(), "never fewer than one");
        assertEquals(6, ComputeThreads.choose(0, 8, null, null, 1.6).intraOp());
        assertEquals(2, ComputeThreads.choose(0, 2, null, null, Double.NaN).intraOp(), "unknown: every core");
        assertEquals(2, ComputeThreads.choose(2, 2, null, null, 1.0).intraOp(), "--threads wins");
        assertEquals(2, ComputeThreads.choose(0, 4, "2", null, 3.0).intraOp(), "OMP_NUM_THREADS wins");
        assertTrue(ComputeThreads.choose(0, 2, null, null, 1.0).toString().contains("auto: 2 cores, 1 busy elsewhere"));
    }

    @Test
    void busyCoresSeesABusyLoopAndNotThisProcess() throws Exception {
        double quiet = BusyCores.elsewhere();
        Process loop = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            Thread.sleep(100);
            double busy = BusyCores.elsewhere();
            // the loop takes a core's worth less what the machine's other work leaves it: > 0.6 on 2 cores
            assertTrue(busy > 0.6 && busy > quiet - 0.5, "quiet " + quiet + ", with the loop " + busy);
        } finally {
            loop.destroyForcibly().waitFor();
        }
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
            assertEquals(auto.intraOp(), JniUtils.getNumThreads());
            assertTrue(auto.intraOp() >= 1 && auto.intraOp() <= Runtime.getRuntime().availableProcessors());
            String line = auto.describe(null);
            boolean anySet = false;
            for (String v : ComputeThreads.OPENMP_VARIABLES) { // surefire sets OMP_NUM_THREADS (pom.xml)
                String value = System.getenv(v);
                if (value != null) {
                    anySet = true;
                    assertTrue(line.contains(v + "=" + value), line);
                }
            }
            assertTrue(anySet != line.endsWith(", OpenMP at its defaults"), line);
        } finally {
            JniUtils.setNumThreads(before);
        }
    }
}
