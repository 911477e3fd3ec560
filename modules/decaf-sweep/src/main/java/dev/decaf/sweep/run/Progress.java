package dev.decaf.sweep.run;

import dev.decaf.sweep.plan.Trial;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep's progress lines: one per finished trial, and a status line whenever the counts change
 * (or every minute): trials done / running / failed / left, and an ETA from the mean time of the
 * trials this run finished, spread over the workers.
 */
final class Progress {

    private final int total;
    private final java.util.Map<String, Integer> position = new java.util.HashMap<>();
    private final int workers;
    private final PrintStream console;
    private String last = "";
    private long lastShown;
    private double finishedSeconds;
    private int finished;

    Progress(java.util.List<Trial> slice, int workers, PrintStream console) {
        this.total = slice.size();
        for (int i = 0; i < slice.size(); i++) {
            position.put(slice.get(i).id(), i + 1);
        }
        this.workers = workers;
        this.console = console;
    }

    void finished(Trial t, String how, Duration took, String detail) {
        if (how.equals("done")) {
            finishedSeconds += took.toMillis() / 1000.0;
            finished++;
        }
        console.println("decaf: trial " + position.getOrDefault(t.id(), t.index() + 1) + "/" + total + " " + t.id() + " " + how + " in "
                + format(took.toSeconds()) + (detail.isEmpty() ? "" : ": " + detail) + "  (" + t.describe() + ")");
    }

    /**
     * Prints the status line if the counts changed or a minute passed.
     *
     * @param counts trials per state
     * @param runningSeconds how long each trial this process runs has been running
     */
    void show(Map<TrialState, Integer> counts, java.util.List<Double> runningSeconds) {
        int done = counts.getOrDefault(TrialState.DONE, 0);
        int running = counts.getOrDefault(TrialState.RUNNING, 0);
        int failed = counts.getOrDefault(TrialState.FAILED, 0);
        int left = total - done - running - failed;
        String line = "decaf: trials " + done + " done · " + running + " running · " + failed + " failed · " + left
                + " left";
        long now = System.nanoTime();
        if (line.equals(last) && now - lastShown < 60_000_000_000L) {
            return;
        }
        String eta = "";
        if (finished > 0 && left + running > 0) {
            // what is left of the running trials (at least a tenth of a trial each), then the rest
            double mean = finishedSeconds / finished;
            double work = left * mean;
            for (double s : runningSeconds) {
                work += Math.max(mean - s, mean / 10);
            }
            work += Math.max(0, running - runningSeconds.size()) * mean / 2; // held by other processes
            eta = " · ETA " + format((long) Math.ceil(work / Math.max(1, workers)));
        }
        console.println(line + eta);
        console.flush();
        last = line;
        lastShown = now;
    }

    static String format(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return (seconds / 3600) + "h" + String.format(Locale.ROOT, "%02d", (seconds % 3600) / 60) + "m";
    }

    static String number(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : String.valueOf(v);
    }
}
