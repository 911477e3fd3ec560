package dev.decaf.train.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory use, for the {@code memory_mb} metric. */
public final class ProcessMemory {

    private ProcessMemory() {}

    /**
     * Returns the resident set size (Linux {@code VmRSS}), or the JVM heap in use elsewhere.
     *
     * @return megabytes
     */
    public static double residentMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / 1048576.0;
    }
}
