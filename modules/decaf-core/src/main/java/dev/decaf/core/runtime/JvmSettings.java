package dev.decaf.core.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The JVM options and environment every decaf process should run with, read from the project's
 * one {@code jvm.properties} (packaged into decaf-core; the launcher, surefire and the Docker
 * images read the same file): {@code decaf.jvm.flags} and the {@code decaf.env.*} variables (glibc's
 * allocator settings and OpenMP's wait policy, which only take effect when set before a process
 * starts).
 */
public final class JvmSettings {

    private static final String RESOURCE = "jvm.properties";
    private static final String FLAGS = "decaf.jvm.flags";
    private static final String ENV = "decaf.env.";
    private static final Properties PROPERTIES = load();

    private JvmSettings() {}

    /** Returns the JVM options, e.g. {@code [--add-modules=jdk.incubator.vector, -Dai.djl.offline=true]}. */
    public static List<String> flags() {
        return Arrays.stream(PROPERTIES.getProperty(FLAGS).trim().split("\\s+")).toList();
    }

    /** Returns the environment variables, in file order (e.g. {@code MALLOC_ARENA_MAX → 1}). */
    public static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        PROPERTIES.stringPropertyNames().stream().filter(k -> k.startsWith(ENV)).sorted()
                .forEach(k -> env.put(k.substring(ENV.length()), PROPERTIES.getProperty(k)));
        return env;
    }

    /**
     * Returns the OpenMP variables of {@link #environment()} (names starting {@code OMP_}, {@code
     * GOMP_} or {@code KMP_}), which libtorch's thread pool reads when it loads.
     */
    public static Map<String, String> openMpEnvironment() {
        Map<String, String> env = environment();
        env.keySet().removeIf(k -> !isOpenMp(k));
        return env;
    }

    /** Returns the allocator variables of {@link #environment()}: every one that is not OpenMP's. */
    public static Map<String, String> mallocEnvironment() {
        Map<String, String> env = environment();
        env.keySet().removeIf(JvmSettings::isOpenMp);
        return env;
    }

    private static boolean isOpenMp(String name) {
        return name.startsWith("OMP_") || name.startsWith("GOMP_") || name.startsWith("KMP_");
    }

    /** Returns the allocator variables as a shell prefix: {@code GLIBC_TUNABLES=… MALLOC_ARENA_MAX=1}. */
    public static String mallocEnvironmentLine() {
        StringBuilder b = new StringBuilder();
        mallocEnvironment().forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    /** Returns whether this process runs with every allocator variable set as declared. */
    public static boolean mallocApplied() {
        return mallocEnvironment().entrySet().stream().allMatch(e -> e.getValue().equals(System.getenv(e.getKey())));
    }

    /** Returns the environment as a shell prefix: {@code GLIBC_TUNABLES=… MALLOC_ARENA_MAX=1}. */
    public static String environmentLine() {
        StringBuilder b = new StringBuilder();
        environment().forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    /** Returns whether this process runs with every variable of {@link #environment()} set as declared. */
    public static boolean environmentApplied() {
        return environment().entrySet().stream().allMatch(e -> e.getValue().equals(System.getenv(e.getKey())));
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = JvmSettings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("decaf-core is missing its " + RESOURCE + " resource");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (p.getProperty(FLAGS) == null) {
            throw new IllegalStateException(RESOURCE + " has no " + FLAGS);
        }
        return p;
    }
}
