package dev.decaf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.decaf.core.runtime.JvmSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training throughput, decaf against PyTorch eager in the same run: the same GPT-2 (a {@code
 * models/*.json} config) trained on random tokens with AdamW, B × T tokens per step. decaf runs
 * with glibc malloc at its defaults and tuned; PyTorch (Debian's {@code python3-torch}, with
 * OpenBLAS when {@code libopenblas0-pthread} is installed, {@code OMP_WAIT_POLICY=PASSIVE}) runs
 * with one and with all threads, each with both malloc settings, and its best is the baseline.
 */
public final class TrainBenchmark {

    /**
     * One case.
     *
     * @param who "decaf" or "PyTorch eager"
     * @param setting threads / malloc description
     * @param tokensPerSecond throughput
     * @param stepMs median step
     * @param forwardMs median forward + loss
     * @param backwardMs median backward
     * @param optimizerMs median optimizer step
     */
    public record Case(String who, String setting, double tokensPerSecond, double stepMs, double forwardMs,
            double backwardMs, double optimizerMs) {}

    private TrainBenchmark() {}

    /**
     * Runs every case.
     *
     * @param log progress output
     * @param config the model config
     * @param batch B
     * @param seqLen T
     * @param warmup untimed steps
     * @param steps timed steps
     * @param python the Python with torch, or null to skip the baseline
     * @return the cases (PyTorch cases missing when it is unavailable)
     */
    public static List<Case> run(PrintStream log, Path config, int batch, int seqLen, int warmup, int steps, String python) {
        List<Case> cases = new ArrayList<>();
        String[] args = {config.toString(), Integer.toString(batch), Integer.toString(seqLen), Integer.toString(warmup),
            Integer.toString(steps)};
        String mkl = MklIntelPath.preloaded() ? ", MKL Intel path" : "";
        cases.add(decaf(log, args, false, mkl, List.of()));
        cases.add(decaf(log, args, true, mkl, List.of()));
        if (!mkl.isEmpty()) {
            // the same JVM without the shim: what the MKL vendor check costs on this CPU
            cases.add(decaf(log, args, true, ", MKL generic path", List.of("LD_PRELOAD")));
        }
        if (python == null) {
            return cases;
        }
        Path script;
        try {
            script = Files.createTempFile("decaf-torch-bench", ".py");
            try (InputStream in = TrainBenchmark.class.getResourceAsStream("torch_train_bench.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the PyTorch script: " + e.getMessage(), e);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            for (int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
                for (boolean tuned : new boolean[] {false, true}) {
                    log.printf(Locale.ROOT, "  measuring PyTorch eager threads=%d malloc=%-7s ...", threads, tuned ? "tuned" : "default");
                    log.flush();
                    List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
                    cmd.addAll(List.of(args));
                    try {
                        // without decaf's MKL shim (Debian's torch uses OpenBLAS) and decaf's OpenMP spin
                        // count, which would override PASSIVE
                        List<String> unset = new ArrayList<>(List.of("LD_PRELOAD"));
                        unset.addAll(JvmSettings.openMpEnvironment().keySet());
                        JsonNode r = ChildRun.run(cmd, tuned, Map.of("OMP_NUM_THREADS", Integer.toString(threads),
                                "OPENBLAS_NUM_THREADS", Integer.toString(threads), "OMP_WAIT_POLICY", "PASSIVE"), unset);
                        cases.add(log(log, of("PyTorch eager", threads + " thread" + (threads > 1 ? "s" : "") + ", malloc "
                                + (tuned ? "tuned" : "default"), r)));
                    } catch (IllegalStateException e) {
                        log.println(" unavailable (" + e.getMessage().lines().findFirst().orElse("") + ")");
                        return cases;
                    }
                }
            }
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
        return cases;
    }

    /** Measures decaf in a fresh JVM. */
    private static Case decaf(PrintStream log, String[] args, boolean tuned, String mkl, List<String> unset) {
        String setting = "malloc " + (tuned ? "tuned" : "default") + mkl;
        log.printf(Locale.ROOT, "  measuring decaf         %s ...", setting);
        log.flush();
        JsonNode r = ChildRun.run(ChildRun.java(TrainStepBenchmark.class.getName(), args), tuned, Map.of(), unset);
        return log(log, of("decaf", setting, r));
    }

    private static Case of(String who, String setting, JsonNode r) {
        return new Case(who, setting, r.get("tokens_per_s").asDouble(), r.get("step_ms").asDouble(),
                r.get("forward_ms").asDouble(), r.get("backward_ms").asDouble(), r.get("optimizer_ms").asDouble());
    }

    private static Case log(PrintStream log, Case c) {
        log.printf(Locale.ROOT, " %,.0f tokens/s%n", c.tokensPerSecond());
        return c;
    }

    /**
     * Formats the cases as a Markdown table plus the ratios to PyTorch's best setting.
     *
     * @param cases the cases
     * @return the text
     */
    public static String table(List<Case> cases) {
        StringBuilder sb = new StringBuilder();
        sb.append("| implementation | setting | tokens/s | step ms | forward ms | backward ms | optimizer ms |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Case c : cases) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.1f | %.1f | %.1f | %.1f |%n", c.who(), c.setting(),
                    c.tokensPerSecond(), c.stepMs(), c.forwardMs(), c.backwardMs(), c.optimizerMs()));
        }
        Case best = cases.stream().filter(c -> !c.who().equals("decaf"))
                .max(Comparator.comparingDouble(Case::tokensPerSecond)).orElse(null);
        sb.append('\n');
        if (best == null) {
            sb.append("PyTorch baseline unavailable: no ratio.\n");
            return sb.toString();
        }
        for (Case c : cases) {
            if (c.who().equals("decaf")) {
                double ratio = c.tokensPerSecond() / best.tokensPerSecond();
                sb.append(String.format(Locale.ROOT, "decaf (%s) / PyTorch's best (%s): %.2f× (goal ≥ 1.2×: %s)%n",
                        c.setting(), best.setting(), ratio, ratio >= 1.2 ? "met" : "MISSED"));
            }
        }
        return sb.toString();
    }
}
