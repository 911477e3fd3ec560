package dev.decaf.djl.runtime;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many cores other processes keep busy right now, measured over a short window:
 *
 * <pre>
 * busy = (Δ(non-idle CPU time of the machine) − Δ(CPU time of this process)) / Δ(wall time)
 * </pre>
 *
 * with the machine's time from the first line of {@code /proc/stat} (user, nice, system, irq,
 * softirq, steal; idle and iowait left out; proc(5)) and this process's from the JVM. Unlike the
 * 1-minute load average it is current and does not count this JVM.
 */
final class BusyCores {

    /** The window: long enough for {@code /proc/stat}'s 10 ms ticks, short enough for a start-up. */
    static final long WINDOW_MS = 200;

    private BusyCores() {}

    /** Returns the cores' worth of CPU other processes used during the window, or NaN where unknown. */
    static double elsewhere() {
        try {
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long[] a = machineTicks();
            long ownA = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(WINDOW_MS);
            long[] b = machineTicks();
            long ownB = os.getProcessCpuTime();
            double wallS = (System.nanoTime() - t0) / 1e9;
            if (a == null || b == null || ownA < 0 || ownB < 0) {
                return Double.NaN;
            }
            double busyS = (b[0] - a[0]) / (double) b[1];
            return Math.max(0, (busyS - (ownB - ownA) / 1e9) / wallS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (RuntimeException | LinkageError e) {
            return Double.NaN; // not HotSpot's management bean: no measurement
        }
    }

    /** Returns {non-idle ticks, ticks per second} from /proc/stat, or null without it. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(f[i]);
            }
            return new long[] {busy, 100}; // USER_HZ, 100 on Linux
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
