package dev.decaf.djl.optim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} gets the scalar kernel and one
 * warning naming the option; with it, the vector kernel and no warning; with
 * {@code -Ddecaf.kernel.scalar=true}, the scalar kernel and no warning.
 */
class KernelChoiceLogTest {

    private static String run(String... jvmOptions) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Kernels.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void theScalarFallbackIsSaidOnceWithTheOptionThatFixesIt() throws Exception {
        String without = run();
        assertTrue(without.contains("KERNEL ScalarAdamKernel"), without);
        assertEquals(1, without.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).count(), without);

        String with = run("--add-modules=jdk.incubator.vector");
        assertTrue(with.contains("KERNEL VectorAdamKernel"), with);
        assertFalse(with.contains("scalar kernel"), with);

        String chosen = run("-Ddecaf.kernel.scalar=true");
        assertTrue(chosen.contains("KERNEL ScalarAdamKernel"), chosen);
        assertFalse(chosen.contains("Vector API"), chosen);
    }
}
