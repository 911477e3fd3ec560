package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's MKL shim ({@code src/main/c/mkl_intel_path.c}) changes which kernels libtorch's
 * MKL runs, never what they compute: a JVM with the shim preloaded multiplies random matrices of
 * the training benchmark's shapes, and each product matches a double-precision product computed
 * in Java within 1e-5 relative to the largest entry. The launcher preloads it on AMD CPUs only; on
 * Intel ones it answers what MKL finds anyway, so the check runs on any x86-64 machine.
 */
class MklIntelPathTest {

    static final int[][] SHAPES = {{96, 256, 768}, {128, 1024, 256}, {64, 256, 8192}};

    @Test
    void productsOnTheIntelPathMatchADoublePrecisionReference(@TempDir Path tmp) throws Exception {
        Path shim = tmp.resolve("mkl-intel-path.so");
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-O2", "-shared", "-fPIC", "-o", shim.toString(), "src/main/c/mkl_intel_path.c")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs a C compiler (cc); .ci/run installs one", e);
        }
        assertEquals(0, cc.waitFor(), new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                Child.class.getName()).redirectErrorStream(true);
        pb.environment().put("LD_PRELOAD", shim.toString());
        Process p = pb.start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), String.join("\n", lines));
        List<String> errors = lines.stream().filter(l -> l.startsWith("ERR ")).toList();
        assertEquals(SHAPES.length, errors.size(), String.join("\n", lines));
        for (String e : errors) {
            assertTrue(Double.parseDouble(e.split(" ")[2]) < 1e-5, e);
        }
    }

    /** Multiplies seeded random matrices with DJL and prints {@code ERR MxKxN relative-error}. */
    public static final class Child {
        public static void main(String[] args) {
            SplittableRandom r = new SplittableRandom(42);
            try (NDManager m = NDManager.newBaseManager()) {
                for (int[] s : SHAPES) {
                    float[] a = random(r, s[0] * s[1]);
                    float[] b = random(r, s[1] * s[2]);
                    float[] c = m.create(a, new Shape(s[0], s[1])).matMul(m.create(b, new Shape(s[1], s[2]))).toFloatArray();
                    double worst = 0;
                    double largest = 0;
                    for (int i = 0; i < s[0]; i++) {
                        for (int j = 0; j < s[2]; j++) {
                            double ref = 0;
                            for (int k = 0; k < s[1]; k++) {
                                ref += (double) a[i * s[1] + k] * b[k * s[2] + j];
                            }
                            worst = Math.max(worst, Math.abs(ref - c[i * s[2] + j]));
                            largest = Math.max(largest, Math.abs(ref));
                        }
                    }
                    System.out.println("ERR " + s[0] + "x" + s[1] + "x" + s[2] + " " + worst / largest);
                }
            }
        }

        private static float[] random(SplittableRandom r, int n) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
            return x;
        }
    }
}
