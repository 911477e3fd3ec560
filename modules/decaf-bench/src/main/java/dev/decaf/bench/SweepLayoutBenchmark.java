package dev.decaf.bench;

import dev.decaf.core.io.AtomicFiles;
import dev.decaf.sweep.plan.Shard;
import dev.decaf.sweep.plan.SweepFile;
import dev.decaf.sweep.plan.SweepPlan;
import dev.decaf.sweep.run.SweepRunner;
import dev.decaf.sweep.run.WorkerCount;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trials per hour of one sweep grid run two ways on this machine, in one benchmark run: W workers
 * × 1 compute thread (the sweep's default, W = cores) against 1 worker × W threads, alternating
 * A B A B over rounds so drift and other load hit both alike; optionally beside a busy loop on
 * one core. The claim: small models scale better across processes than across threads (DESIGN.md,
 * "Throughput on 2 cores": ~1.6×).
 */
public final class SweepLayoutBenchmark {

    /**
     * One measurement.
     *
     * @param layout e.g. {@code 2 workers × 1 thread}
     * @param round the round, from 1
     * @param contended whether a busy loop held a core
     * @param trials trials run
     * @param seconds wall time
     */
    public record Row(String layout, int round, boolean contended, int trials, double seconds) {

        /** Returns trials per hour. */
        public double perHour() {
            return trials * 3600.0 / seconds;
        }
    }

    private SweepLayoutBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param log where progress goes
     * @param sweepFile the grid
     * @param rounds rounds (each runs both layouts)
     * @param contended also measure each round beside a busy loop on one core
     * @return the rows
     */
    public static List<Row> run(PrintStream log, Path sweepFile, int rounds, boolean contended)
            throws IOException, InterruptedException {
        SweepFile sweep = SweepFile.read(sweepFile, List.of());
        int cores = Runtime.getRuntime().availableProcessors();
        Path scratch = Files.createTempDirectory("decaf-bench-sweep");
        List<Row> rows = new ArrayList<>();
        try {
            for (int r = 1; r <= rounds; r++) {
                for (boolean busy : contended ? new boolean[] {false, true} : new boolean[] {false}) {
                    for (int[] layout : new int[][] {{cores, 1}, {1, cores}}) {
                        Path out = scratch.resolve("r" + r + (busy ? "-busy" : "") + "-" + layout[0] + "x" + layout[1]);
                        SweepPlan plan = SweepPlan.of(new SweepFile(sweep.source(), sweep.name(), sweep.base(), sweep.axes(),
                                layout[0], layout[1], sweep.sets(), out));
                        String name = layout[0] + " worker" + (layout[0] == 1 ? "" : "s") + " × " + layout[1] + " thread"
                                + (layout[1] == 1 ? "" : "s");
                        SweepRunner.Options o = new SweepRunner.Options(new WorkerCount(layout[0], List.of()), layout[1],
                                Shard.ALL, false, "4g");
                        long t0 = System.nanoTime();
                        SweepRunner.Summary s;
                        try (BusyLoop loop = busy ? BusyLoop.start() : null) {
                            s = new SweepRunner(plan, o, new PrintStream(OutputStream.nullOutputStream())).run();
                        }
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (!s.allDone()) {
                            throw new IllegalStateException("the benchmark's sweep did not finish: " + s + " (" + out + ")");
                        }
                        Row row = new Row(name, r, busy, s.done(), seconds);
                        rows.add(row);
                        log.printf(Locale.ROOT, "round %d%s: %-24s %d trials in %6.1f s = %6.1f trials/h%n", r,
                                busy ? " (one core busy)" : "", name, row.trials(), seconds, row.perHour());
                    }
                }
            }
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
        return rows;
    }

    /**
     * Returns the table: mean trials/h per layout and load, and the ratio of W × 1 to 1 × W.
     *
     * @param rows the measurements
     * @return the text
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %-16s %12s %s%n", "layout", "load",
                "trials/h", "each round"));
        for (boolean busy : new boolean[] {false, true}) {
            List<String> layouts = rows.stream().filter(r -> r.contended() == busy).map(Row::layout).distinct().toList();
            double[] means = new double[layouts.size()];
            for (int i = 0; i < layouts.size(); i++) {
                String l = layouts.get(i);
                List<Row> mine = rows.stream().filter(r -> r.contended() == busy && r.layout().equals(l)).toList();
                means[i] = mine.stream().mapToDouble(Row::perHour).average().orElse(Double.NaN);
                StringBuilder each = new StringBuilder();
                mine.forEach(r -> each.append(String.format(Locale.ROOT, " %.1f", r.perHour())));
                sb.append(String.format(Locale.ROOT, "%-24s %-16s %12.1f%s%n", l, busy ? "one core busy" : "quiet", means[i],
                        each));
            }
            if (layouts.size() == 2) {
                sb.append(String.format(Locale.ROOT, "%-24s %-16s %11.2fx%n", "  ratio (first / second)",
                        busy ? "one core busy" : "quiet", means[0] / means[1]));
            }
        }
        return sb.toString();
    }
}
