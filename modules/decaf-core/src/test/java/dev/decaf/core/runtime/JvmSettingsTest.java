package dev.decaf.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * jvm.properties is the one declaration of decaf's JVM: this test JVM was started by surefire from
 * the same file (pom.xml reads it), so what {@link JvmSettings} reads must be what this JVM got.
 */
class JvmSettingsTest {

    @Test
    void surefireStartedThisJvmWithTheDeclaredFlagsAndEnvironment() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : JvmSettings.flags()) {
            assertTrue(args.contains(flag), flag + " missing from " + args);
        }
        assertTrue(JvmSettings.environmentApplied(), "environment " + JvmSettings.environment());
    }

    @Test
    void readsTheDeclaredValues() {
        assertEquals(List.of("--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true"), JvmSettings.flags());
        assertEquals("1", JvmSettings.environment().get("MALLOC_ARENA_MAX"));
        assertTrue(JvmSettings.environment().get("GLIBC_TUNABLES").contains("glibc.malloc.mmap_max=0"));
        assertTrue(JvmSettings.environmentLine().contains("MALLOC_ARENA_MAX=1"));
    }

    @Test
    void splitsTheEnvironmentIntoAllocatorAndOpenMpVariables() {
        assertEquals(java.util.Map.of(), JvmSettings.openMpEnvironment(), "none declared (README, Threads)");
        assertEquals(java.util.Set.of("MALLOC_ARENA_MAX", "GLIBC_TUNABLES"), JvmSettings.mallocEnvironment().keySet());
        assertEquals(JvmSettings.environment().size(),
                JvmSettings.openMpEnvironment().size() + JvmSettings.mallocEnvironment().size());
        assertTrue(JvmSettings.mallocApplied());
        assertEquals(JvmSettings.environmentLine(), JvmSettings.mallocEnvironmentLine());
    }
}
