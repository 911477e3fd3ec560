package dev.decaf.djl.optim.kernel;

/** Picks the kernel once; loading {@code VectorAdamKernel} only when its module is present. */
final class Kernels {

    static final AdamKernel BEST = pick();

    private Kernels() {}

    private static AdamKernel pick() {
        if (Boolean.getBoolean("decaf.kernel.scalar")) {
            return ScalarAdamKernel.INSTANCE;
        }
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!vector) {
            return ScalarAdamKernel.INSTANCE;
        }
        try {
            return (AdamKernel) Class.forName("dev.decaf.djl.optim.kernel.VectorAdamKernel")
                    .getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return ScalarAdamKernel.INSTANCE;
        }
    }
}
