package dev.decaf.cli;

import dev.decaf.bench.ContendedBenchmark;
import dev.decaf.bench.GenerateBenchmark;
import dev.decaf.bench.OptimizerBenchmark;
import dev.decaf.bench.ParameterSet;
import dev.decaf.bench.RepeatedJobsBenchmark;
import dev.decaf.bench.SweepLayoutBenchmark;
import dev.decaf.bench.TrainBenchmark;
import dev.decaf.bench.TwoTrainersBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code decaf bench}: benchmarks that report ratios against baselines measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run benchmarks (ratios against baselines measured in the same run).",
        footer = {"", "Examples:", "  ./decaf bench optimizer --help", "  ./decaf bench train --help",
            "  ./decaf bench sweep --help", "  ./decaf bench two-trainers --help", "  ./decaf bench repeated-jobs --help",
            "  ./decaf bench generate --help"},
        subcommands = {BenchCommand.Optimizer.class, BenchCommand.Train.class, BenchCommand.Sweep.class,
            BenchCommand.TwoTrainers.class, BenchCommand.RepeatedJobs.class, BenchCommand.Generate.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code decaf bench optimizer}. */
    @Command(name = "optimizer", mixinStandardHelpOptions = true,
            description = {"Time one AdamW step of decaf against baselines.",
                "The baselines are DJL's AdamW and a fused loop over float arrays (the memory-bound floor);",
                "each case runs in its own JVM, with default and with tuned glibc malloc."},
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

    /** {@code decaf bench train}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Training tokens/s of a GPT: decaf against PyTorch eager.",
                "A step is forward, backward and AdamW, on the same model (a models/*.json config) for both;",
                "PyTorch is Debian's python3-torch. Each case runs in a fresh process, with default and",
                "tuned glibc malloc (and 1 or all threads for PyTorch).",
                "--contended instead trains the quick-start model with each thread setting (before --threads,",
                "the automatic default, --threads 1 and 2, OMP_WAIT_POLICY=PASSIVE), quiet and beside a busy",
                "loop on one core."},
            footer = {"", "Examples:", "  ./decaf bench train",
                "  ./decaf bench train --config models/gpt2-tiny.json --steps 20",
                "  ./decaf bench train --contended",
                "  ./decaf bench train --contended --rounds 4 --steps 60 --json | tail -n 1",
                "", "PyTorch needs: apt-get install python3-torch libopenblas0-pthread",
                "", "--contended: about 3 minutes on a quiet 2-core machine with the defaults (2 rounds of 25"
                    + " steps); its config, batch and sequence length default to the quick start's (models/quickstart-base.json, 16 x 64). --json"
                    + " ends the output with the table as one JSON line: tokens/s per setting, quiet and contended,"
                    + " each round's, and the ratios to the setting before --threads."})
    static final class Train implements Callable<Integer> {

        @Option(names = "--config", description = "Model config (default: models/gpt2-4x256.json;"
                + " with --contended models/quickstart-base.json).")
        Path config;

        @Option(names = "--batch", description = "Sequences per step (default: 8; with --contended 16).")
        Integer batch;

        @Option(names = "--seq-len", description = "Tokens per sequence (default: 128; with --contended 64).")
        Integer seqLen;

        @Option(names = "--warmup", description = "Untimed steps (default: ${DEFAULT-VALUE}).")
        int warmup = 3;

        @Option(names = "--steps", description = "Timed steps (default: 10; with --contended 25).")
        Integer steps;

        @Option(names = "--contended", description = "Thread settings, quiet and with one core busy (see below).")
        boolean contended;

        @Option(names = "--rounds", description = "With --contended: rounds, each measuring every setting"
                + " (default: ${DEFAULT-VALUE}).")
        int rounds = 2;

        @Option(names = "--json", description = "With --contended: end with the table as one JSON line.")
        boolean json;

        @Option(names = "--python",
                description = "Python with torch for the baseline; 'none' skips it (default: ${DEFAULT-VALUE}).")
        String python = "/usr/bin/python3";

        @Override
        public Integer call() throws java.io.IOException {
            if (config == null) {
                config = Path.of(contended ? "models/quickstart-base.json" : "models/gpt2-4x256.json");
            }
            batch = batch != null ? batch : contended ? 16 : 8;
            seqLen = seqLen != null ? seqLen : contended ? 64 : 128;
            steps = steps != null ? steps : contended ? 25 : 10;
            if (!contended && (rounds != 2 || json)) {
                throw new IllegalArgumentException("--rounds and --json go with --contended");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("--config " + config + ": no such file");
            }
            if (batch < 1 || seqLen < 2 || warmup < 0 || steps < 1) {
                throw new IllegalArgumentException("need --batch >= 1, --seq-len >= 2, --warmup >= 0, --steps >= 1; got "
                        + batch + ", " + seqLen + ", " + warmup + ", " + steps);
            }
            int positions = dev.decaf.core.config.ModelConfig.load(config).maxPositions();
            if (seqLen > positions) {
                throw new IllegalArgumentException("--seq-len " + seqLen + " is longer than the " + positions
                        + " positions of " + config);
            }
            if (contended) {
                System.out.println("decaf bench train --contended: " + config + ", " + batch + " x " + seqLen
                        + " tokens per step, " + steps + " steps, " + rounds + " rounds, "
                        + Runtime.getRuntime().availableProcessors() + " cores, each measurement in a fresh JVM");
                var rows = ContendedBenchmark.run(System.out, config, batch, seqLen, warmup, steps, rounds);
                System.out.println();
                System.out.print(ContendedBenchmark.table(rows));
                if (json) {
                    System.out.println(ContendedBenchmark.json(rows));
                }
                return 0;
            }
            System.out.println("decaf bench train: " + config + ", " + batch + " x " + seqLen + " tokens per step, "
                    + Runtime.getRuntime().availableProcessors() + " cores");
            var cases = TrainBenchmark.run(System.out, config, batch, seqLen, warmup, steps,
                    python.equals("none") ? null : python);
            System.out.println();
            System.out.print(TrainBenchmark.table(cases));
            return 0;
        }
    }

    /** {@code decaf bench sweep}. */
    @Command(name = "sweep", mixinStandardHelpOptions = true,
            description = {"Trials per hour of one sweep grid as N workers × 1 thread against 1 worker × N threads",
                "(N = cores), alternating A B A B over rounds in one run; --contended also beside a busy loop on one core."},
            footer = {"", "Examples:", "  ./decaf bench sweep", "  ./decaf bench sweep --rounds 1 --contended",
                "", "The default grid, recipes/sweeps/bench-workers.yaml, is 4 trials of 100 quick-start steps: about 4"
                    + " minutes per round on a quiet 2-core machine."})
    static final class Sweep implements Callable<Integer> {

        @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "SWEEP",
                description = "The sweep file whose grid is timed (default: recipes/sweeps/bench-workers.yaml).")
        Path file;

        @Option(names = "--rounds", description = "Rounds, each running both layouts (default: ${DEFAULT-VALUE}).")
        int rounds = 2;

        @Option(names = "--contended", description = "Also measure each round with one core busy.")
        boolean contended;

        @Override
        public Integer call() throws Exception {
            Path f = file != null ? file : Launcher.home().resolve("recipes/sweeps/bench-workers.yaml");
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            System.out.println("decaf bench sweep: " + f + ", " + rounds + " rounds, "
                    + Runtime.getRuntime().availableProcessors() + " cores");
            List<SweepLayoutBenchmark.Row> rows;
            try {
                rows = SweepLayoutBenchmark.run(System.out, f, rounds, contended);
            } catch (dev.decaf.sweep.plan.SweepException e) {
                e.problems().forEach(p -> System.err.println("decaf: " + p));
                return Errors.BAD_INPUT;
            }
            System.out.println();
            System.out.print(SweepLayoutBenchmark.table(rows));
            return 0;
        }
    }

    /** {@code decaf bench two-trainers}. */
    @Command(name = "two-trainers", mixinStandardHelpOptions = true,
            description = {"Two DJL-Trainer jobs in one JVM: one after the other (all cores each) against both at once",
                "on two threads through SharedEngine (cores / 2 each), alternating over rounds; --contended also",
                "beside a busy loop on one core. Reports the ratio to the sequential time of the same run."},
            footer = {"", "Examples:", "  ./decaf bench two-trainers", "  ./decaf bench two-trainers --rounds 3 --contended",
                "", "Each job: a 330k-parameter MLP, 192 steps of 32 rows, decaf AdamW; about 10 s per round on a"
                    + " quiet 2-core machine."})
    static final class TwoTrainers implements Callable<Integer> {

        @Option(names = "--rounds", description = "Rounds, each running both layouts (default: ${DEFAULT-VALUE}).")
        int rounds = 3;

        @Option(names = "--contended", description = "Also measure each round with one core busy.")
        boolean contended;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            System.out.println("decaf bench two-trainers: " + rounds + " rounds, " + Runtime.getRuntime().availableProcessors()
                    + " cores");
            var rows = TwoTrainersBenchmark.run(System.out, rounds, contended);
            System.out.println();
            System.out.print(TwoTrainersBenchmark.table(rows));
            return 0;
        }
    }

    /** {@code decaf bench repeated-jobs}. */
    @Command(name = "repeated-jobs", mixinStandardHelpOptions = true,
            description = {"Resident memory over repeated jobs: one long-lived model retrained N times, a fresh DJL",
                "Trainer and optimizer per job, both closed after; MB/job (least-squares slope of VmRSS after the",
                "warm-up) for decaf's AdamW and DJL's Adam and AdamW, each in a fresh JVM, and over DJL's",
                "stateless SGD (the loop's own growth)."},
            footer = {"", "Examples:", "  ./decaf bench repeated-jobs", "  ./decaf bench repeated-jobs --jobs 30 --warmup 5",
                "", "Each job: a 1.3M-parameter MLP (m and v: 10.7 MB), 32 steps of 64 rows."})
    static final class RepeatedJobs implements Callable<Integer> {

        @Option(names = "--jobs", description = "Measured jobs per optimizer (default: ${DEFAULT-VALUE}).")
        int jobs = 30;

        @Option(names = "--warmup", description = "Jobs before the first measurement (default: ${DEFAULT-VALUE}).")
        int warmup = 5;

        @Override
        public Integer call() {
            if (jobs < 3 || warmup < 0) {
                throw new IllegalArgumentException("--jobs must be >= 3 and --warmup >= 0; got " + jobs + ", " + warmup);
            }
            System.out.println("decaf bench repeated-jobs: " + jobs + " jobs after " + warmup + " warm-up jobs, "
                    + Runtime.getRuntime().availableProcessors() + " cores, each optimizer in a fresh JVM");
            var rows = RepeatedJobsBenchmark.run(System.out, jobs, warmup);
            System.out.println();
            System.out.print(RepeatedJobsBenchmark.table(rows));
            return 0;
        }
    }

    /** {@code decaf bench generate}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Generation tokens/s with the key/value cache against without it (the full forward pass",
                "every step), for each count of new tokens, alternating over rounds in one run.",
                "Greedy, no stop id, after a random prompt; the time includes the prompt's prefill. The table",
                "gives each setting's ratio to the no-cache baseline and whether both chose the same ids,",
                "by wall time and by the process's CPU time, which holds while other processes load the machine."},
            footer = {"", "Examples:", "  ./decaf bench generate",
                "  ./decaf bench generate --config models/gpt2-tiny.json --tokens 16,32",
                "  ./decaf bench generate --batch 4 --rounds 2",
                "", "The default model, models/quickstart-base, has 128 positions; its rotary positions have no"
                    + " table, so the benchmark raises them to the prompt plus the new tokens with the same weights."
                    + " A --config model is random and raised the same way. About 30 seconds on a quiet 2-core"
                    + " machine with the defaults."})
    static final class Generate implements Callable<Integer> {

        @Option(names = "--model", paramLabel = "DIR", description = "A model directory (default: models/quickstart-base).")
        Path model;

        @Option(names = "--config", paramLabel = "FILE", description = "A models/*.json config: a random model instead.")
        Path config;

        @Option(names = "--tokens", split = ",", paramLabel = "N",
                description = "New-token counts (default: 64,256).")
        List<Integer> tokens = List.of(64, 256);

        @Option(names = "--prompt-tokens", description = "The prompt's length (default: ${DEFAULT-VALUE}).")
        int promptTokens = 16;

        @Option(names = "--batch", description = "Rows generated together (default: ${DEFAULT-VALUE}).")
        int batch = 1;

        @Option(names = "--rounds", description = "Rounds, each timing every count both ways (default: ${DEFAULT-VALUE}).")
        int rounds = 3;

        @picocli.CommandLine.Mixin
        ThreadsOption threads;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (model != null && config != null) {
                throw new IllegalArgumentException("--model and --config exclude each other");
            }
            if (tokens.stream().anyMatch(n -> n < 1) || promptTokens < 1 || batch < 1 || rounds < 1) {
                throw new IllegalArgumentException("need --tokens >= 1 each, --prompt-tokens >= 1, --batch >= 1 and"
                        + " --rounds >= 1; got " + tokens + ", " + promptTokens + ", " + batch + ", " + rounds);
            }
            Path source = config != null ? config : model != null ? model : Launcher.home().resolve("models/quickstart-base");
            if (!Files.exists(source)) {
                throw new IllegalArgumentException((config != null ? "--config " : "--model ") + source + ": no such file"
                        + " or directory");
            }
            if (config != null && !Files.isRegularFile(config)) {
                throw new IllegalArgumentException("--config " + config + ": not a file (a model directory goes to --model)");
            }
            var chosen = threads.apply();
            java.io.PrintWriter out = spec.commandLine().getOut();
            double loadBefore = GenerateBenchmark.loadAverage();
            try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
                int positions = promptTokens + tokens.stream().mapToInt(Integer::intValue).max().orElse(0);
                dev.decaf.models.nn.DecoderModel m;
                try {
                    m = GenerateBenchmark.model(source, positions, manager, out);
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e); // a bad model is bad input: one line, exit 2
                }
                out.printf(java.util.Locale.ROOT, "decaf bench generate: %s (%s, %,d parameters), prompt %d tokens,"
                        + " batch %d, %d rounds, %s, load average %.2f%n", source, m.config().modelType(),
                        m.numParameters(), promptTokens, batch, rounds, chosen.describe(null), loadBefore);
                var rows = GenerateBenchmark.run(out, m, manager, tokens, promptTokens, batch, rounds);
                out.println();
                out.print(GenerateBenchmark.table(rows));
                out.printf(java.util.Locale.ROOT, "load average: %.2f before, %.2f after (%d cores)%n", loadBefore,
                        GenerateBenchmark.loadAverage(), Runtime.getRuntime().availableProcessors());
                out.flush();
            }
            return 0;
        }
    }
}
