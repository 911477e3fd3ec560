package dev.decaf.djl.internal;

import dev.decaf.core.runtime.JvmSettings;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, once per JVM, a hint when glibc's allocator runs with its defaults on Linux.
 *
 * <p>glibc gives every block over 32 MiB a fresh {@code mmap} whose pages fault in one by one
 * (~8 µs per 4 KiB page), so each out-of-place op on a large tensor pays ~90 ms for 40 MB instead
 * of ~1.5 ms, and training steps run ~2.5× slower. The fix must be in the environment before the
 * JVM starts: the allocator variables of decaf's {@code jvm.properties} ({@link
 * JvmSettings#mallocEnvironment()}).
 */
public final class MallocHint {

    private static final Logger LOG = LoggerFactory.getLogger(MallocHint.class);
    private static final AtomicBoolean SHOWN = new AtomicBoolean();

    private MallocHint() {}

    /** Returns whether this JVM runs with the allocator settings of {@code jvm.properties}. */
    public static boolean isTuned() {
        return JvmSettings.mallocApplied();
    }

    /** Logs the hint once when on Linux and untuned. */
    public static void checkOnce() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        if (linux && !isTuned() && SHOWN.compareAndSet(false, true)) {
            LOG.info("decaf: glibc malloc is untuned: large tensor ops will page-fault fresh mmaps"
                    + " (~2.5x slower training). Start the JVM with the environment {} (set before java starts;"
                    + " mallopt at run time is too late).", JvmSettings.mallocEnvironmentLine());
        }
    }
}
