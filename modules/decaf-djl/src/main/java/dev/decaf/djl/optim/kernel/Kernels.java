package dev.decaf.djl.optim.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the kernel once; loading {@code VectorAdamKernel} only when its module is present. Without
 * {@code --add-modules jdk.incubator.vector} the scalar kernel runs (measured ~2.6× slower per step
 * at 1.1M parameters): that is said once, in the log, with the JVM option that fixes it, rather
 * than left to be found in a profile. {@code -Ddecaf.kernel.scalar=true} chooses the scalar kernel
 * on purpose, silently.
 */
final class Kernels {

    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);

    static final AdamKernel BEST = pick();

    private Kernels() {}

    private static AdamKernel pick() {
        if (Boolean.getBoolean("decaf.kernel.scalar")) {
            return ScalarAdamKernel.INSTANCE;
        }
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!vector) {
            LOG.warn("decaf: the Vector API is not enabled, so the optimizer step runs its scalar kernel (~2.6x"
                    + " slower). Start the JVM with --add-modules jdk.incubator.vector (or -Ddecaf.kernel.scalar=true"
                    + " to choose the scalar kernel and silence this).");
            return ScalarAdamKernel.INSTANCE;
        }
        try {
            return (AdamKernel) Class.forName("dev.decaf.djl.optim.kernel.VectorAdamKernel")
                    .getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("decaf: the Vector API kernel cannot load ({}): the optimizer step runs its scalar kernel", e.toString());
            return ScalarAdamKernel.INSTANCE;
        }
    }

    /** Prints the chosen kernel's class name (for a child JVM in tests). */
    public static void main(String[] args) {
        System.out.println("KERNEL " + BEST.getClass().getSimpleName());
    }
}
