package dev.decaf.bench;

/**
 * Whether this process runs with the {@code ./decaf} launcher's MKL shim preloaded, which makes the
 * MKL inside libtorch take its Intel code path on AMD CPUs (see {@code
 * modules/decaf-cli/src/main/c/mkl_intel_path.c}).
 */
public final class MklIntelPath {

    /** The file name the launcher gives the shim. */
    public static final String SHIM = "mkl-intel-path.so";

    private MklIntelPath() {}

    /** Returns whether the shim is in {@code LD_PRELOAD}. */
    public static boolean preloaded() {
        String preload = System.getenv("LD_PRELOAD");
        return preload != null && preload.contains(SHIM);
    }
}
