package dev.decaf.cli;

import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.runtime.JvmSettings;
import dev.decaf.sweep.cluster.IndexedJob;
import dev.decaf.sweep.cluster.SlurmArray;
import dev.decaf.sweep.plan.Shard;
import dev.decaf.sweep.plan.SweepException;
import dev.decaf.sweep.plan.SweepFile;
import dev.decaf.sweep.plan.SweepPlan;
import dev.decaf.sweep.plan.Trial;
import dev.decaf.sweep.run.SweepRunner;
import dev.decaf.sweep.run.TrialRecords;
import dev.decaf.sweep.run.WorkerCount;
import dev.decaf.train.loop.GracefulShutdown;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code decaf sweep}: run a weight-decay sweep (a grid of fine-tuning trials) on this machine, submit it to
 * a cluster, or merge its results into a report.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a sweep: every combination of the grid's values, as fine-tuning trials of the base recipe.",
            "Trials run in their own processes, several at once, each claiming its trial in OUT/trials/ID: a killed",
            "sweep started again finishes what is left (a trial resumes from its checkpoint), a finished trial never",
            "runs again, a failed one is recorded and the sweep goes on. At the end, and with `decaf sweep report`:",
            "OUT/results.csv, OUT/summary.csv, plots and OUT/report.html."},
        subcommands = {SweepCommand.Submit.class, SweepCommand.Report.class},
        footer = {"", "Examples:", "  ./decaf sweep recipes/sweeps/tiny-weight-decay.yaml",
            "  ./decaf sweep recipes/sweeps/tiny-weight-decay.yaml --dry-run",
            "  ./decaf sweep recipes/sweeps/tiny-weight-decay.yaml --retry-failed",
            "  ./decaf sweep recipes/sweeps/tiny-weight-decay.yaml --shard 0/2",
            "  ./decaf sweep submit --slurm recipes/sweeps/tiny-weight-decay.yaml \\",
            "      --tasks 4 --max-running 2",
            "  ./decaf sweep report recipes/sweeps/tiny-weight-decay.yaml"})
final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SWEEP", description = "The sweep file (YAML).")
    Path file;

    @Mixin
    RecipeOverrides overrides;

    @Option(names = "--workers", paramLabel = "N",
            description = "Trials at a time (default: the sweep's workers, else one per core, or per GPU).")
    Integer workers;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads per trial (default: the sweep's threads, else 1).")
    Integer threads;

    @Option(names = "--shard", paramLabel = "i/n",
            description = "Run one slice: the trials whose index is i mod n (n alone: i from SLURM_ARRAY_TASK_ID or"
                    + " JOB_COMPLETION_INDEX).")
    String shard;

    @Option(names = "--retry-failed", description = "Run the failed trials again (only those).")
    boolean retryFailed;

    @Option(names = "--dry-run", description = "Check the sweep and list its trials; run nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (file == null) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        SweepPlan plan;
        try {
            plan = plan(file, overrides.values());
        } catch (SweepException e) {
            return report(e, err);
        }
        Shard slice = shard == null ? Shard.ALL : Shard.parse(shard, System.getenv());
        WorkerCount count = WorkerCount.choose(workers != null ? workers : plan.sweep().workers(), System.getenv());
        int t = threads != null ? threads : plan.sweep().threads();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + t);
        }
        if (dryRun) {
            List<Trial> trials = plan.slice(slice);
            int width = Integer.toString(plan.trials().size()).length();
            System.out.println(trials.size() + " trials of " + plan.sweep().base() + " -> " + plan.sweep().out()
                    + (slice.count() > 1 ? " (shard " + slice + " of " + plan.trials().size() + ")" : "") + "; "
                    + count.describe(t));
            for (Trial tr : trials) {
                System.out.println("  " + String.format("%" + width + "d", tr.index() + 1) + "  " + tr.id() + "  "
                        + tr.describe());
            }
            return 0;
        }
        SweepRunner runner = new SweepRunner(plan, new SweepRunner.Options(count, t, slice, retryFailed, "4g"), System.out);
        SweepRunner.Summary s;
        // Ctrl-C / SIGTERM: the running trials checkpoint and release their claims; wait for them
        try (GracefulShutdown stop = GracefulShutdown.install("decaf-sweep-stop", runner::requestStop, () -> true,
                Duration.ofSeconds(150))) {
            s = runner.run();
        } catch (IllegalStateException e) {
            if (runner.stopRequested()) {
                return 143; // a signal stopped the sweep while it wrote or started something: trials resume next time
            }
            throw e;
        }
        System.out.println("decaf: sweep " + plan.sweep().name() + ": " + s.done() + " done, " + s.failed() + " failed"
                + (s.other() > 0 ? ", " + s.other() + " not finished" : "") + "; results in "
                + plan.sweep().out().resolve("results.csv") + ", report " + plan.sweep().out().resolve("report.html"));
        if (s.failed() > 0) {
            System.out.println("decaf: run the failed trials again with: decaf sweep " + file + " --retry-failed");
        }
        return s.allDone() ? 0 : Errors.RUNTIME_FAILURE;
    }

    static SweepPlan plan(Path file, List<String> sets) {
        return SweepPlan.of(SweepFile.read(file, sets));
    }

    static int report(SweepException e, PrintWriter err) {
        e.problems().forEach(p -> err.println("decaf: " + p));
        err.flush();
        return Errors.BAD_INPUT;
    }

    /** The command that runs decaf again (on a cluster node): this JVM's java, flags and class path. */
    static List<String> selfCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(JvmSettings.flags());
        cmd.add("-Xmx8g");
        cmd.addAll(List.of("-cp", Path.of(System.getProperty("java.class.path")).toString(), Decaf.class.getName()));
        return cmd;
    }

    /** {@code decaf sweep submit}: hand the sweep to a cluster scheduler as an array of shards. */
    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Submit a sweep to a cluster as n tasks on a shared output directory, task i running shard i/n.",
                "--slurm writes OUT/cluster/sweep.sbatch (a job array of n tasks, at most --max-running at once) and submits it with sbatch;",
                "--k8s writes OUT/cluster/sweep-job.yaml, a Kubernetes Indexed Job, for kubectl apply. Then",
                "`decaf sweep report` merges whatever has finished."},
            footer = {"", "Examples:",
                "  ./decaf sweep submit --slurm recipes/sweeps/tiny-weight-decay.yaml \\",
                "      --tasks 4 --max-running 2",
                "  ./decaf sweep submit --slurm recipes/sweeps/tiny-weight-decay.yaml \\",
                "      --tasks 8 --sbatch=--partition=gpu --dry-run",
                "  ./decaf sweep submit --k8s recipes/sweeps/tiny-weight-decay.yaml \\",
                "      --tasks 4 --image decaf:cpu"})
    static final class Submit implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        static final class Target {
            @Option(names = "--slurm", required = true, description = "Slurm: write and sbatch a job array.")
            boolean slurm;

            @Option(names = "--k8s", required = true, description = "Kubernetes: write an Indexed Job manifest.")
            boolean k8s;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep file (YAML).")
        Path file;

        @Mixin
        RecipeOverrides overrides;

        @Option(names = "--tasks", paramLabel = "N", description = "Array tasks / pods (default: one per trial).")
        Integer tasks;

        @Option(names = "--max-running", paramLabel = "K", description = "Tasks at once (default: no limit).")
        int maxRunning;

        @Option(names = "--workers", paramLabel = "N", description = "Trials each task runs at once (default 1).")
        int workers = 1;

        @Option(names = "--threads", paramLabel = "N", description = "Compute threads per trial (default: the sweep's).")
        Integer threads;

        @Option(names = "--sbatch", paramLabel = "OPTION", description = "One more #SBATCH option, e.g. --sbatch=--time=4:00:00 (repeatable).")
        List<String> sbatchOptions = new ArrayList<>();

        @Option(names = "--image", paramLabel = "IMAGE", description = "The container image (--k8s; default decaf:cpu).")
        String image = "decaf:cpu";

        @Option(names = "--volume-claim", paramLabel = "NAME", description = "The shared PersistentVolumeClaim (--k8s; default decaf-work).")
        String claim = "decaf-work";

        @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the pods mount the volume claim and"
                + " work: it must hold the sweep file and its out (--k8s; default: the current directory).")
        Path workDir;

        @Option(names = "--dry-run", description = "Write the script or manifest; submit nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            SweepPlan plan;
            try {
                plan = plan(file, overrides.values());
            } catch (SweepException e) {
                return report(e, err);
            }
            int n = tasks != null ? tasks : plan.trials().size();
            if (n < 1 || n > plan.trials().size()) {
                throw new IllegalArgumentException("--tasks must be from 1 to the sweep's " + plan.trials().size()
                        + " trials, got " + n);
            }
            int t = threads != null ? threads : plan.sweep().threads();
            SweepRunner.writePlan(plan);
            Path dir = plan.sweep().out().resolve("cluster");
            Files.createDirectories(dir);
            if (target.k8s) {
                Path cwd = (workDir != null ? workDir : Path.of("")).toAbsolutePath().normalize();
                for (Path p : List.of(plan.sweep().source(), plan.sweep().out())) {
                    if (!p.toAbsolutePath().normalize().startsWith(cwd)) {
                        throw new IllegalArgumentException("--k8s: " + p + " is outside " + cwd + ", the directory the"
                                + " pods mount from the volume claim (--work-dir; default: the current directory)");
                    }
                }
                IndexedJob job = new IndexedJob(plan.sweep(), n, maxRunning > 0 ? maxRunning : n, workers, t, image, claim,
                        cwd.toString());
                Path manifest = dir.resolve("sweep-job.yaml");
                AtomicFiles.writeString(manifest, job.manifest());
                System.out.println("decaf: wrote " + manifest + " (" + n + " pods); start it with: kubectl apply -f " + manifest);
                return 0;
            }
            SlurmArray array = new SlurmArray(plan.sweep(), n, maxRunning, workers, t, selfCommand(), overrides.values(),
                    sbatchOptions);
            Path script = dir.resolve("sweep.sbatch");
            AtomicFiles.writeString(script, array.script());
            script.toFile().setExecutable(true);
            if (dryRun) {
                System.out.println("decaf: wrote " + script + " (--array=" + array.arraySpec() + "); submit it with: "
                        + String.join(" ", array.sbatch()));
                return 0;
            }
            Process p;
            try {
                p = new ProcessBuilder(array.sbatch()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot run sbatch (is Slurm's client installed?): " + e.getMessage());
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                err.println("decaf: sbatch failed: " + output.lines().findFirst().orElse("exit " + p.exitValue()));
                return Errors.RUNTIME_FAILURE;
            }
            System.out.println("decaf: submitted job array " + output + " (--array=" + array.arraySpec() + ", " + plan.trials().size()
                    + " trials); logs in " + dir + "; merge with: decaf sweep report " + file);
            return 0;
        }
    }

    /** {@code decaf sweep report}: merge the finished trials into results.csv, summary.csv, plots and report.html. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"Merge a sweep's finished trials, from every process and shard, into its out directory:",
                "results.csv (one row per trial), summary.csv (mean and std over seeds), two plots and report.html",
                "(one self-contained page)."},
            footer = {"", "Examples:", "  ./decaf sweep report recipes/sweeps/tiny-weight-decay.yaml"})
    static final class Report implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep file (YAML).")
        Path file;

        @Mixin
        RecipeOverrides overrides;

        @Override
        public Integer call() throws Exception {
            SweepPlan plan;
            try {
                plan = plan(file, overrides.values());
            } catch (SweepException e) {
                return report(e, spec.commandLine().getErr());
            }
            SweepRunner.writeReport(plan);
            var records = TrialRecords.of(plan);
            long done = records.stream().filter(r -> r.status().equals("done")).count();
            long failed = records.stream().filter(r -> r.status().equals("failed")).count();
            System.out.println("decaf: " + plan.sweep().name() + ": " + done + " of " + records.size() + " trials done, "
                    + failed + " failed; " + plan.sweep().out().resolve("results.csv") + ", "
                    + plan.sweep().out().resolve("report.html"));
            return 0;
        }
    }
}
