package dev.decaf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.runtime.JvmSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training throughput with one core taken by another process: each thread setting trains the
 * same model ({@link TrainStepBenchmark}, one fresh JVM per measurement) on a quiet machine and
 * beside a busy loop ({@code sh -c 'while :; do :; done'}, started and killed here), the settings
 * alternating A B A B over the rounds so that drifting load from elsewhere touches them alike.
 *
 * <p>Throughput is the mean over the timed steps (B·T·steps / their total time), as a progress
 * line shows it: a busy core makes some steps much slower, which a median would hide. Each cell is
 * the median over the rounds; the ratios are to the setting decaf had before {@code --threads}
 * (libtorch's and the kernel's defaults, OpenMP at its defaults), quiet.
 */
public final class ContendedBenchmark {

    /**
     * A thread setting.
     *
     * @param name as printed
     * @param threads the {@code --threads} value (0: automatic), or null for decaf before it
     * @param openMpDefaults whether jvm.properties' OpenMP variables are left out
     * @param env more environment variables
     */
    public record Setting(String name, Integer threads, boolean openMpDefaults, Map<String, String> env) {}

    /**
     * One setting's result.
     *
     * @param setting the setting
     * @param quiet tokens/s per round, quiet
     * @param contended tokens/s per round, with the busy loop
     * @param quietThreads libtorch's intra-op threads as the quiet child reported them
     * @param contendedThreads the same beside the busy loop (the automatic choice differs)
     */
    public record Row(Setting setting, List<Double> quiet, List<Double> contended, int quietThreads,
            int contendedThreads) {

        /** Returns the median quiet tokens/s. */
        public double quietTokensPerSecond() {
            return median(quiet);
        }

        /** Returns the median contended tokens/s. */
        public double contendedTokensPerSecond() {
            return median(contended);
        }
    }

    /** The first setting: what the ratios are relative to. */
    public static final Setting BEFORE = new Setting("before --threads (OpenMP defaults, all cores)", null, true,
            Map.of());

    /** The automatic choice. */
    public static final Setting AUTO = new Setting("default (automatic)", 0, false, Map.of());

    private ContendedBenchmark() {}

    /**
     * Returns the settings measured: before, automatic, {@code --threads 1}, {@code --threads 2} and,
     * for comparison, all cores with {@code OMP_WAIT_POLICY=PASSIVE} (no spinning).
     *
     * @return the settings, {@link #BEFORE} first
     */
    public static List<Setting> settings() {
        return List.of(BEFORE, AUTO, new Setting("--threads 1", 1, false, Map.of()),
                new Setting("--threads 2", 2, false, Map.of()),
                new Setting("all cores, OMP_WAIT_POLICY=PASSIVE", 0, true, Map.of("OMP_WAIT_POLICY", "PASSIVE")));
    }

    /**
     * Measures every setting, quiet and contended, over some rounds.
     *
     * @param log progress output (one line per measurement, with the load average)
     * @param config the model config
     * @param batch B
     * @param seqLen T
     * @param warmup untimed steps
     * @param steps timed steps
     * @param rounds rounds (each measures every setting quiet, then every setting contended)
     * @return one row per setting, in {@link #settings()} order
     */
    public static List<Row> run(PrintStream log, Path config, int batch, int seqLen, int warmup, int steps, int rounds) {
        List<Setting> settings = settings();
        Map<Setting, List<Double>> quiet = new LinkedHashMap<>();
        Map<Setting, List<Double>> contended = new LinkedHashMap<>();
        Map<Setting, Integer> quietThreads = new LinkedHashMap<>();
        Map<Setting, Integer> contendedThreads = new LinkedHashMap<>();
        settings.forEach(s -> {
            quiet.put(s, new ArrayList<>());
            contended.put(s, new ArrayList<>());
        });
        for (int round = 1; round <= rounds; round++) {
            for (boolean busy : new boolean[] {false, true}) {
                for (Setting s : settings) {
                    log.printf(Locale.ROOT, "  round %d %-9s %-46s load %s ...", round, busy ? "contended" : "quiet",
                            s.name(), loadAverage());
                    log.flush();
                    JsonNode r;
                    try (BusyLoop ignored = busy ? BusyLoop.start() : null) {
                        r = measure(s, config, batch, seqLen, warmup, steps);
                    }
                    double tps = r.get("mean_tokens_per_s").asDouble();
                    (busy ? contended : quiet).get(s).add(tps);
                    (busy ? contendedThreads : quietThreads).put(s, r.get("threads").asInt());
                    log.printf(Locale.ROOT, " %,.0f tokens/s%n", tps);
                }
            }
        }
        return settings.stream().map(s -> new Row(s, quiet.get(s), contended.get(s), quietThreads.get(s),
                contendedThreads.get(s))).toList();
    }

    private static JsonNode measure(Setting s, Path config, int batch, int seqLen, int warmup, int steps) {
        List<String> args = new ArrayList<>(List.of(config.toString(), Integer.toString(batch), Integer.toString(seqLen),
                Integer.toString(warmup), Integer.toString(steps)));
        if (s.threads() != null) {
            args.add(Integer.toString(s.threads()));
        }
        List<String> unset = s.openMpDefaults() ? List.copyOf(JvmSettings.openMpEnvironment().keySet()) : List.of();
        return ChildRun.run(ChildRun.java(TrainStepBenchmark.class.getName(), args.toArray(String[]::new)), true,
                s.env(), unset);
    }

    /** Returns the 1-minute load average, or "?" where /proc/loadavg is missing. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * Formats the rows as a Markdown table with the ratios to {@link #BEFORE} quiet, and the goals
     * for the automatic choice (quiet ≥ 95 %, contended ≥ 45 % of it).
     *
     * @param rows the rows, {@link #BEFORE} first
     * @return the text
     */
    public static String table(List<Row> rows) {
        double base = rows.get(0).quietTokensPerSecond();
        StringBuilder sb = new StringBuilder();
        sb.append("| setting | intra-op threads (quiet / contended) | quiet tokens/s | contended tokens/s | quiet / before | contended / before |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d / %d | %,.0f | %,.0f | %.0f%% | %.0f%% |%n", r.setting().name(),
                    r.quietThreads(), r.contendedThreads(), r.quietTokensPerSecond(), r.contendedTokensPerSecond(),
                    100 * r.quietTokensPerSecond() / base, 100 * r.contendedTokensPerSecond() / base));
        }
        rows.stream().filter(r -> r.setting().equals(AUTO)).findFirst().ifPresent(r -> {
            double q = r.quietTokensPerSecond() / base;
            double c = r.contendedTokensPerSecond() / base;
            sb.append(String.format(Locale.ROOT, "%nautomatic choice: quiet %.0f%% of before (goal >= 95%%: %s),"
                    + " contended %.0f%% (goal >= 45%%: %s)%n", 100 * q, q >= 0.95 ? "met" : "MISSED", 100 * c,
                    c >= 0.45 ? "met" : "MISSED"));
        });
        return sb.toString();
    }

    /**
     * Returns the rows as one JSON object: {@code {"rows": [{"setting", "threads_quiet", "threads_contended", "quiet",
     * "contended", "quiet_runs", "contended_runs", "quiet_ratio", "contended_ratio"}]}} (tokens/s
     * and ratios to {@link #BEFORE} quiet).
     *
     * @param rows the rows, {@link #BEFORE} first
     * @return the JSON text, one line
     */
    public static String json(List<Row> rows) {
        double base = rows.get(0).quietTokensPerSecond();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode arr = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode n = arr.addObject();
            n.put("setting", r.setting().name());
            n.put("threads_quiet", r.quietThreads());
            n.put("threads_contended", r.contendedThreads());
            n.put("quiet", r.quietTokensPerSecond());
            n.put("contended", r.contendedTokensPerSecond());
            r.quiet().forEach(n.putArray("quiet_runs")::add);
            r.contended().forEach(n.putArray("contended_runs")::add);
            n.put("quiet_ratio", r.quietTokensPerSecond() / base);
            n.put("contended_ratio", r.contendedTokensPerSecond() / base);
        }
        return root.toString();
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        return a.length == 0 ? Double.NaN : TrainStepBenchmark.median(a);
    }
}
