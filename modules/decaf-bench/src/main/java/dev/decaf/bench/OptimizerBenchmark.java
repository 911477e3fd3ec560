package dev.decaf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.djl.internal.MallocHint;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times one optimizer step for each {@link OptimizerStep.Impl} on each {@link ParameterSet}, each
 * case in its own JVM so that glibc's allocator can be measured both with its defaults and with
 * decaf's tuning (the variables must be in the environment before a JVM starts). Reports the
 * median and best step time and the ratios the goals are stated in: decaf against DJL's AdamW
 * with default malloc, and against the float[] floor, all measured in the same run.
 *
 * <p>Run: {@code ./decaf bench optimizer} (or {@code java -cp ... dev.decaf.bench.OptimizerBenchmark}).
 */
public final class OptimizerBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One measured case.
     *
     * @param impl the implementation
     * @param set the parameter set
     * @param tunedMalloc whether the malloc variables were set
     * @param medianMs median step time
     * @param minMs best step time
     * @param iterations timed steps
     * @param kernel what ran (for decaf: the kernel and thread count)
     */
    public record Result(OptimizerStep.Impl impl, ParameterSet set, boolean tunedMalloc, double medianMs,
            double minMs, int iterations, String kernel) {}

    private OptimizerBenchmark() {}

    /**
     * Child entry: {@code --child IMPL SET WARMUP ITERATIONS MAX_SECONDS} measures in this JVM
     * and prints one {@code RESULT {json}} line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (args.length == 6 && args[0].equals("--child")) {
            Result r = measure(OptimizerStep.Impl.parse(args[1]), ParameterSet.parse(args[2]),
                    Integer.parseInt(args[3]), Integer.parseInt(args[4]), Double.parseDouble(args[5]));
            System.out.println(ChildRun.RESULT + JSON.valueToTree(Map.of(
                    "impl", r.impl().name(), "set", r.set().id(), "tuned", r.tunedMalloc(),
                    "median_ms", r.medianMs(), "min_ms", r.minMs(), "iterations", r.iterations(),
                    "kernel", r.kernel())));
            System.exit(0);
        }
        List<Result> results = run(System.out, List.of(ParameterSet.values()), 3, 10, 30);
        System.out.println();
        System.out.print(table(results));
    }

    /**
     * Measures in this JVM: warm-up steps, then timed steps until {@code iterations} are done or
     * {@code maxSeconds} have passed (at least three).
     *
     * @param impl the implementation
     * @param set the tensors
     * @param warmup untimed steps
     * @param iterations timed steps
     * @param maxSeconds time budget for the timed steps
     * @return the result
     */
    public static Result measure(OptimizerStep.Impl impl, ParameterSet set, int warmup, int iterations, double maxSeconds) {
        try (OptimizerStep step = OptimizerStep.create(impl, set)) {
            for (int i = 0; i < warmup; i++) {
                step.step();
            }
            List<Double> times = new ArrayList<>();
            long budgetEnd = System.nanoTime() + (long) (maxSeconds * 1e9);
            while (times.size() < iterations && (times.size() < 3 || System.nanoTime() < budgetEnd)) {
                long t0 = System.nanoTime();
                step.step();
                times.add((System.nanoTime() - t0) / 1e6);
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            String kernel = impl == OptimizerStep.Impl.DJL ? "libtorch ops"
                    : (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "vector" : "scalar")
                            + " x" + dev.decaf.djl.optim.kernel.ParallelRange.defaultThreads();
            return new Result(impl, set, MallocHint.isTuned(), median, sorted[0], sorted.length, kernel);
        }
    }

    /**
     * Runs the whole matrix, one child JVM per case.
     *
     * @param log where progress goes
     * @param sets the parameter sets
     * @param warmup untimed steps per case
     * @param iterations timed steps per case
     * @param maxSeconds time budget per case
     * @return the results
     */
    public static List<Result> run(PrintStream log, List<ParameterSet> sets, int warmup, int iterations, double maxSeconds) {
        List<Result> out = new ArrayList<>();
        for (ParameterSet set : sets) {
            for (OptimizerStep.Impl impl : OptimizerStep.Impl.values()) {
                for (boolean tuned : impl == OptimizerStep.Impl.FLOOR ? new boolean[] {true} : new boolean[] {false, true}) {
                    log.printf(Locale.ROOT, "  measuring %-14s on %-4s malloc=%-7s ...", impl.label(), set.id(),
                            tuned ? "tuned" : "default");
                    log.flush();
                    Result r = child(impl, set, tuned, warmup, iterations, maxSeconds);
                    log.printf(Locale.ROOT, " median %9.1f ms (%d steps)%n", r.medianMs(), r.iterations());
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static Result child(OptimizerStep.Impl impl, ParameterSet set, boolean tuned, int warmup, int iterations,
            double maxSeconds) {
        JsonNode result = ChildRun.run(ChildRun.java(OptimizerBenchmark.class.getName(), "--child", impl.name(), set.id(),
                Integer.toString(warmup), Integer.toString(iterations), Double.toString(maxSeconds)), tuned, Map.of());
        return new Result(impl, set, result.get("tuned").asBoolean(), result.get("median_ms").asDouble(),
                result.get("min_ms").asDouble(), result.get("iterations").asInt(), result.get("kernel").asText());
    }

    /**
     * Formats results as a Markdown table with the goal ratios per parameter set.
     *
     * @param results the results
     * @return the table
     */
    public static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| parameters | implementation | malloc | median ms | best ms | DJL default / this | this / floor |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|\n");
        for (ParameterSet set : ParameterSet.values()) {
            Result djlDefault = find(results, set, OptimizerStep.Impl.DJL, false);
            Result floor = find(results, set, OptimizerStep.Impl.FLOOR, true);
            for (Result r : results) {
                if (r.set() != set) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "| %s | %s (%s) | %s | %.1f | %.1f | %s | %s |%n",
                        set, r.impl().label(), r.kernel(), r.tunedMalloc() ? "tuned" : "default", r.medianMs(), r.minMs(),
                        djlDefault == null ? "-" : String.format(Locale.ROOT, "%.1f×", djlDefault.medianMs() / r.medianMs()),
                        floor == null ? "-" : String.format(Locale.ROOT, "%.2f×", r.medianMs() / floor.medianMs())));
            }
        }
        sb.append('\n');
        for (ParameterSet set : ParameterSet.values()) {
            Result djlDefault = find(results, set, OptimizerStep.Impl.DJL, false);
            Result floor = find(results, set, OptimizerStep.Impl.FLOOR, true);
            for (boolean tuned : new boolean[] {false, true}) {
                Result decaf = find(results, set, OptimizerStep.Impl.DECAF, tuned);
                if (decaf == null || djlDefault == null || floor == null) {
                    continue;
                }
                double speedup = djlDefault.medianMs() / decaf.medianMs();
                double overFloor = decaf.medianMs() / floor.medianMs();
                sb.append(String.format(Locale.ROOT,
                        "%s, decaf with %s malloc: %.1f× faster than DJL AdamW with default malloc (goal ≥ 20×: %s), %.2f× the floor (goal ≤ 2×: %s)%n",
                        set.id(), tuned ? "tuned" : "default", speedup, speedup >= 20 ? "met" : "MISSED", overFloor,
                        overFloor <= 2 ? "met" : "MISSED"));
            }
        }
        return sb.toString();
    }

    private static Result find(List<Result> results, ParameterSet set, OptimizerStep.Impl impl, boolean tuned) {
        return results.stream().filter(r -> r.set() == set && r.impl() == impl && r.tunedMalloc() == tuned)
                .findFirst().orElse(null);
    }

    /** Lists the implementations, for help texts. */
    public static String implementations() {
        return Arrays.toString(OptimizerStep.Impl.values());
    }
}
