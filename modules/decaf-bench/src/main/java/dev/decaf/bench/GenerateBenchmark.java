package dev.decaf.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.decaf.core.config.ModelConfig;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.models.nn.DecoderModel;
import dev.decaf.text.sampling.Generation;
import dev.decaf.text.sampling.Sampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generation speed with and without the key/value cache, in one run: for each count of new tokens,
 * greedy generation of exactly that many tokens (no stop id) after a random prompt, timed with
 * {@link Generator#withKvCache} on and off, alternating over rounds so drift hits both alike.
 * Reported: new tokens per second (batch rows × new tokens / wall time, the prompt's prefill
 * included), new tokens per second of the process's CPU time (all its threads: what the work costs,
 * whatever else the machine runs), each setting's ratio to the no-cache baseline of the same count
 * by both, and whether both settings chose the same ids.
 *
 * <p>A model too short for the prompt and the new tokens gets more positions where that changes no
 * weight: a random model's config is raised, and so is a Llama directory's (rotary positions have
 * no table); a GPT-2 directory (a learned position table) cannot be.
 */
public final class GenerateBenchmark {

    /**
     * One timed generation.
     *
     * @param newTokens new tokens per row
     * @param kvCache whether the cache was on
     * @param round the round, from 1
     * @param seconds wall time
     * @param tokensPerSecond batch rows × new tokens / seconds
     * @param cpuSeconds the process's CPU time over the generation
     * @param ids the ids of the first row, to compare the settings
     */
    public record Row(int newTokens, boolean kvCache, int round, double seconds, double tokensPerSecond,
            double cpuSeconds, int[] ids) {

        /** Returns batch rows × new tokens per CPU second. */
        public double tokensPerCpuSecond() {
            return tokensPerSecond * seconds / cpuSeconds;
        }
    }

    private GenerateBenchmark() {}

    /**
     * Loads a model directory, or builds a random model from a config file, with at least {@code
     * positions} positions.
     *
     * @param source a model directory or a {@code models/*.json} config
     * @param positions the positions the benchmark needs
     * @param manager owns the weights
     * @param log where a note on raised positions goes
     * @return the model, initialized
     * @throws IOException when the source cannot be read
     * @throws IllegalArgumentException when a GPT-2 directory has too few positions
     */
    public static DecoderModel model(Path source, int positions, NDManager manager, PrintWriter log) throws IOException {
        boolean directory = Files.isDirectory(source);
        ModelConfig config = ModelConfig.load(source);
        if (config.maxPositions() >= positions) {
            return directory ? ModelDirectory.load(source, manager).model() : random(config, manager);
        }
        if (directory && !config.modelType().equals("llama")) {
            throw new IllegalArgumentException(source + " has " + config.maxPositions() + " positions, the benchmark needs "
                    + positions + " (prompt + new tokens) and its learned position table cannot grow");
        }
        Map<String, Object> json = config.json();
        json.put(config.modelType().equals("llama") ? "max_position_embeddings" : "n_positions", (long) positions);
        ModelConfig raised = ModelConfig.parse(json, source.toString());
        log.printf(Locale.ROOT, "positions raised from %d to %d%s%n", config.maxPositions(), positions,
                directory ? " (rotary positions: the same weights)" : "");
        DecoderModel model = random(raised, manager);
        if (directory) {
            DecoderModel loaded = ModelDirectory.load(source, manager).model();
            for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
                loaded.parameters().get(e.getKey()).getArray().copyTo(e.getValue().getArray());
            }
        }
        return model;
    }

    private static DecoderModel random(ModelConfig config, NDManager manager) {
        Engine.getInstance().setRandomSeed(1);
        DecoderModel model = DecoderModel.of(config);
        model.initialize(manager);
        return model;
    }

    /**
     * Runs the benchmark.
     *
     * @param log where progress goes
     * @param model the model
     * @param manager a manager on the model's device
     * @param counts the new-token counts to time
     * @param promptTokens the prompt's length
     * @param batch rows generated together (each the same prompt length)
     * @param rounds rounds, each timing every count with the cache on and off
     * @return the rows
     */
    public static List<Row> run(PrintWriter log, DecoderModel model, NDManager manager, List<Integer> counts,
            int promptTokens, int batch, int rounds) {
        SplittableRandom r = new SplittableRandom(42);
        List<int[]> prompts = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            prompts.add(r.ints(promptTokens, 0, model.config().vocabSize()).toArray());
        }
        Generator on = new Generator(model, manager).withStopIds();
        Generator off = on.withKvCache(false);
        // warm-up: libtorch's kernels, the JIT, both paths
        time(on, prompts, 16, 0);
        time(off, prompts, 16, 0);
        List<Row> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (int n : counts) {
                for (Generator g : round % 2 == 1 ? new Generator[] {off, on} : new Generator[] {on, off}) {
                    Row row = time(g, prompts, n, round);
                    log.printf(Locale.ROOT, "round %d: %4d new tokens, kv cache %-3s %8.3f s %10.1f tokens/s"
                            + " %10.1f per CPU s%n", round, n, row.kvCache() ? "on" : "off", row.seconds(),
                            row.tokensPerSecond(), row.tokensPerCpuSecond());
                    log.flush();
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static Row time(Generator g, List<int[]> prompts, int n, int round) {
        List<Sampler> greedy = prompts.stream().map(p -> Sampler.greedy()).toList();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        List<Generation.Result> results = g.generateBatch(prompts, n, greedy);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        return new Row(n, g.kvCache(), round, seconds, prompts.size() * (double) n / seconds, cpu, results.get(0).ids());
    }

    /** The CPU time of every thread of this process so far (libtorch's pools included), in ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Returns the table: per count and setting, the mean tokens/s and its ratio to the no-cache
     * baseline of the same count, the mean tokens per CPU second and its ratio, whether the two
     * settings chose the same ids in every round, and each round's tokens/s.
     *
     * @param rows the measurements
     * @return the text
     */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%10s  %-8s  %10s  %7s  %10s  %7s  %-8s  %s%n",
                "new tokens", "kv cache", "tokens/s", "ratio", "per CPU s", "ratio", "same ids", "each round"));
        for (int n : rows.stream().map(Row::newTokens).distinct().toList()) {
            double base = mean(rows, n, false, Row::tokensPerSecond);
            double baseCpu = perCpuSecond(rows, n, false);
            for (boolean kv : new boolean[] {false, true}) {
                double wall = mean(rows, n, kv, Row::tokensPerSecond);
                double cpu = perCpuSecond(rows, n, kv);
                StringBuilder each = new StringBuilder();
                rows.stream().filter(r -> r.newTokens() == n && r.kvCache() == kv)
                        .forEach(r -> each.append(String.format(Locale.ROOT, " %.1f", r.tokensPerSecond())));
                sb.append(String.format(Locale.ROOT, "%10d  %-8s  %10.1f  %6.2fx  %10s  %7s  %-8s %s%n", n,
                        kv ? "on" : "off", wall, wall / base, orDash("%.1f", cpu), orDash("%.2fx", cpu / baseCpu),
                        kv ? (sameIds(rows, n) ? "yes" : "NO") : "", each));
            }
        }
        return sb.toString();
    }

    /**
     * New tokens per CPU second over all rounds of a setting (Σ tokens / Σ CPU seconds), NaN when
     * the process clock saw no CPU time at all: a generation of a few tokens can be shorter than
     * its tick.
     */
    private static double perCpuSecond(List<Row> rows, int n, boolean kv) {
        double tokens = 0;
        double cpu = 0;
        for (Row r : rows) {
            if (r.newTokens() == n && r.kvCache() == kv) {
                tokens += r.tokensPerSecond() * r.seconds();
                cpu += r.cpuSeconds();
            }
        }
        return cpu > 0 ? tokens / cpu : Double.NaN;
    }

    private static String orDash(String format, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-";
    }

    private static double mean(List<Row> rows, int n, boolean kv, java.util.function.ToDoubleFunction<Row> value) {
        return rows.stream().filter(r -> r.newTokens() == n && r.kvCache() == kv).mapToDouble(value).average()
                .orElse(Double.NaN);
    }

    /** Whether every timed generation of n tokens chose the ids of the first no-cache one. */
    static boolean sameIds(List<Row> rows, int n) {
        List<Row> mine = rows.stream().filter(r -> r.newTokens() == n).toList();
        return mine.stream().allMatch(r -> Arrays.equals(r.ids(), mine.get(0).ids()));
    }

    /** Returns the 1-minute load average from {@code /proc/loadavg}, or NaN where there is none. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
