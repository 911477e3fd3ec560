package dev.decaf.bench;

import ai.djl.Model;
import ai.djl.training.dataset.ArrayDataset;
import dev.decaf.djl.optim.AdamW;
import dev.decaf.djl.optim.ParamGroups;
import dev.decaf.djl.runtime.ComputeThreads;
import dev.decaf.djl.runtime.SharedEngine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two DJL-Trainer jobs in one JVM: one after the other (each with every core: intra-op and kernel
 * threads = cores) against both at once on two threads through {@link SharedEngine} (each with
 * cores / 2, at least 1), alternating over rounds so drift hits both alike; optionally beside a
 * busy loop on one core. Each job: its own {@link MlpJob} model, data and decaf AdamW, seeded, so
 * it computes the same weights either way. Reported: wall time per layout and the ratio of the
 * two at once to the sequential baseline measured in the same run.
 */
public final class TwoTrainersBenchmark {

    /** The job: a 330k-parameter MLP, 3 epochs of 2,048 rows in batches of 32 (192 steps). */
    static final MlpJob JOB = new MlpJob(128, 512, 2048, 32, 3);

    /**
     * One measurement.
     *
     * @param layout {@code one after the other} or {@code both at once}
     * @param round the round, from 1
     * @param contended whether a busy loop held a core
     * @param seconds wall time of the two jobs
     */
    public record Row(String layout, int round, boolean contended, double seconds) {}

    static final String SEQUENTIAL = "one after the other";
    static final String CONCURRENT = "both at once";

    private TwoTrainersBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param log where progress goes
     * @param rounds rounds (each runs both layouts)
     * @param contended also measure each round beside a busy loop on one core
     * @return the rows
     */
    public static List<Row> run(PrintStream log, int rounds, boolean contended) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int half = Math.max(1, cores / 2);
        job(1, cores); // warm-up: libtorch, JIT, kernels
        List<Row> rows = new ArrayList<>();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int r = 1; r <= rounds; r++) {
                for (boolean busy : contended ? new boolean[] {false, true} : new boolean[] {false}) {
                    try (BusyLoop loop = busy ? BusyLoop.start() : null) {
                        long t0 = System.nanoTime();
                        two.submit(() -> {
                            job(1, cores);
                            job(2, cores);
                            return null;
                        }).get();
                        rows.add(log(log, new Row(SEQUENTIAL, r, busy, (System.nanoTime() - t0) / 1e9), cores));
                        CyclicBarrier together = new CyclicBarrier(2);
                        t0 = System.nanoTime();
                        Future<?> a = two.submit(() -> {
                            together.await();
                            return job(1, half);
                        });
                        Future<?> b = two.submit(() -> {
                            together.await();
                            return job(2, half);
                        });
                        a.get();
                        b.get();
                        rows.add(log(log, new Row(CONCURRENT, r, busy, (System.nanoTime() - t0) / 1e9), half));
                    }
                }
            }
        } finally {
            two.shutdownNow();
        }
        return rows;
    }

    private static Row log(PrintStream log, Row row, int threads) {
        log.printf(Locale.ROOT, "round %d%s: %-20s (%d thread%s per job) %6.2f s%n", row.round(),
                row.contended() ? " (one core busy)" : "", row.layout(), threads, threads == 1 ? "" : "s", row.seconds());
        return row;
    }

    /** One job on the calling thread with its own model, data and optimizer; returns its last weight's sum. */
    static double job(int seed, int threads) throws Exception {
        ComputeThreads.choose(threads).apply();
        try (Model model = Model.newInstance("job-" + seed)) {
            var block = JOB.block();
            model.setBlock(block);
            ArrayDataset data = JOB.data(model.getNDManager(), seed);
            try (AdamW opt = AdamW.builder().optWeightDecays(0.01f).optKernelThreads(threads)
                    .optParamGroups(ParamGroups.standard(block)).build()) {
                JOB.train(model, opt, data, seed);
            }
            return block.getParameters().valueAt(0).getArray().sum().getFloat();
        }
    }

    /**
     * Returns the table: mean seconds per layout and load, and the ratio of both at once to one
     * after the other.
     *
     * @param rows the measurements
     * @return the text
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s %-16s %9s %s%n", "layout", "load",
                "seconds", "each round"));
        for (boolean busy : new boolean[] {false, true}) {
            double[] means = new double[2];
            String[] layouts = {SEQUENTIAL, CONCURRENT};
            boolean any = false;
            for (int i = 0; i < 2; i++) {
                String l = layouts[i];
                List<Row> mine = rows.stream().filter(r -> r.contended() == busy && r.layout().equals(l)).toList();
                if (mine.isEmpty()) {
                    continue;
                }
                any = true;
                means[i] = mine.stream().mapToDouble(Row::seconds).average().orElse(Double.NaN);
                StringBuilder each = new StringBuilder();
                mine.forEach(r -> each.append(String.format(Locale.ROOT, " %.2f", r.seconds())));
                sb.append(String.format(Locale.ROOT, "%-22s %-16s %9.2f%s%n", l, busy ? "one core busy" : "quiet",
                        means[i], each));
            }
            if (any) {
                sb.append(String.format(Locale.ROOT, "%-22s %-16s %8.2fx%n", "  ratio (at once / after)",
                        busy ? "one core busy" : "quiet", means[1] / means[0]));
            }
        }
        return sb.toString();
    }
}
