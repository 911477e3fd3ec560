package dev.decaf.cli;

import dev.decaf.bench.OptimizerBenchmark;
import dev.decaf.bench.ParameterSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code decaf bench}: benchmarks that report ratios against baselines measured in the same run. */
@Command(name = "bench", description = "Run benchmarks (ratios against baselines measured in the same run).",
        subcommands = {BenchCommand.Optimizer.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code decaf bench optimizer}. */
    @Command(name = "optimizer", mixinStandardHelpOptions = true,
            description = {"Time one optimizer step: decaf AdamW, DJL's AdamW and a fused float[] loop (the",
                "memory-bound floor), each in its own JVM with default and with tuned glibc malloc."},
            footer = {"", "Examples:", "  ./decaf bench optimizer", "  ./decaf bench optimizer --set 10m --iterations 20"})
    static final class Optimizer implements Callable<Integer> {

        @Option(names = "--set", split = ",", description = "Parameter sets: 10m, gpt2 (default: both).")
        List<String> sets = List.of("10m", "gpt2");

        @Option(names = "--warmup", description = "Untimed steps per case (default: ${DEFAULT-VALUE}).")
        int warmup = 3;

        @Option(names = "--iterations", description = "Timed steps per case (default: ${DEFAULT-VALUE}).")
        int iterations = 10;

        @Option(names = "--max-seconds", description = "Time budget per case (default: ${DEFAULT-VALUE}).")
        double maxSeconds = 30;

        @Override
        public Integer call() {
            if (warmup < 0 || iterations < 3 || !(maxSeconds > 0)) {
                throw new IllegalArgumentException("--warmup must be >= 0, --iterations >= 3 and --max-seconds > 0; got "
                        + warmup + ", " + iterations + ", " + maxSeconds);
            }
            List<ParameterSet> parsed = sets.stream().map(ParameterSet::parse).toList();
            System.out.println("decaf bench optimizer: one AdamW step, " + Runtime.getRuntime().availableProcessors()
                    + " cores, each case in a fresh JVM");
            var results = OptimizerBenchmark.run(System.out, parsed, warmup, iterations, maxSeconds);
            System.out.println();
            System.out.print(OptimizerBenchmark.table(results));
            return 0;
        }
    }
}
