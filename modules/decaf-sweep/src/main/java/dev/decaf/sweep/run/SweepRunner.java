package dev.decaf.sweep.run;

import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.json.Json;
import dev.decaf.core.runtime.JvmSettings;
import dev.decaf.sweep.plan.Shard;
import dev.decaf.sweep.plan.SweepPlan;
import dev.decaf.sweep.plan.Trial;
import dev.decaf.sweep.results.SweepReport;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a sweep's trials (or one shard's) on this machine: up to {@code workers} trial processes at
 * a time, each claiming its trial ({@link TrialDir}), until every trial of the slice is done or
 * failed. Trials that other processes hold are waited for, not run twice; trials of a killed sweep
 * are taken over and resume from their checkpoints; a failed trial is recorded and the sweep goes
 * on.
 *
 * <p>Each trial runs in its own JVM ({@link TrialMain}): libtorch's thread pool and glibc's allocator
 * settings are per process, a crash stays inside its trial, and a trial outlives a sweep process
 * killed with SIGKILL (it still records its own results).
 */
public final class SweepRunner {

    /** Options of a run. */
    public record Options(WorkerCount workers, int threads, Shard shard, boolean retryFailed, String javaHeap) {

        /** Checks. */
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
            }
        }
    }

    /** What a run of the runner ended with (over its slice). */
    public record Summary(int done, int failed, int other, Duration wall) {

        /** Returns whether every trial of the slice is done. */
        public boolean allDone() {
            return failed == 0 && other == 0;
        }
    }

    private record Child(Trial trial, Process process, Instant started, int worker) {}

    private final SweepPlan plan;
    private final Options options;
    private final PrintStream console;
    private final Map<String, Child> active = new LinkedHashMap<>();
    private final Set<String> gaveUp = new HashSet<>();
    private volatile boolean stopping;

    /**
     * A runner.
     *
     * @param plan the plan
     * @param options how to run
     * @param console where progress goes
     */
    public SweepRunner(SweepPlan plan, Options options, PrintStream console) {
        this.plan = plan;
        this.options = options;
        this.console = console;
    }

    /** Writes sweep.json and every trial's trial.json (the same bytes from every process). */
    public static void writePlan(SweepPlan plan) throws IOException {
        Path out = plan.sweep().out();
        Files.createDirectories(out.resolve("trials"));
        List<Object> trials = new ArrayList<>();
        for (Trial t : plan.trials()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", t.index());
            m.put("id", t.id());
            m.put("values", t.values());
            trials.add(m);
            Map<String, Object> spec = new LinkedHashMap<>(m);
            spec.put("base", plan.sweep().base().toString());
            spec.put("overrides", t.overrides());
            writeIfChanged(plan.trialDir(t).resolve(TrialDir.TRIAL_FILE), Json.pretty(spec) + "\n");
        }
        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("name", plan.sweep().name());
        sweep.put("file", plan.sweep().source().toString());
        sweep.put("base", plan.sweep().base().toString());
        sweep.put("axes", plan.sweep().axisKeys());
        sweep.put("trials", trials);
        writeIfChanged(out.resolve("sweep.json"), Json.pretty(sweep) + "\n");
    }

    private static void writeIfChanged(Path file, String text) throws IOException {
        if (Files.isRegularFile(file) && Files.readString(file).equals(text)) {
            return;
        }
        Files.createDirectories(file.getParent());
        AtomicFiles.writeString(file, text);
    }

    /** Returns whether a stop was requested. */
    public boolean stopRequested() {
        return stopping;
    }

    /** Asks the runner to stop: trial processes get SIGTERM, checkpoint and release their trials. */
    public void requestStop() {
        stopping = true;
        synchronized (active) {
            active.values().forEach(c -> c.process().destroy());
        }
    }

    /**
     * Runs the slice to the end.
     *
     * @return the counts
     * @throws IOException on I/O errors
     * @throws InterruptedException if interrupted
     */
    public Summary run() throws IOException, InterruptedException {
        Instant start = Instant.now();
        writePlan(plan);
        List<Trial> slice = plan.slice(options.shard());
        Progress progress = new Progress(slice, options.workers().workers(), console);
        console.println("decaf: sweep " + plan.sweep().name() + ": " + slice.size() + " trials"
                + (options.shard().count() > 1 ? " (shard " + options.shard() + " of " + plan.trials().size() + ")" : "")
                + ", " + options.workers().describe(options.threads()) + ", out " + plan.sweep().out());
        while (true) {
            reap(progress);
            Map<TrialState, Integer> counts = new java.util.EnumMap<>(TrialState.class);
            List<Trial> candidates = new ArrayList<>();
            for (Trial t : slice) {
                TrialState s = new TrialDir(plan.trialDir(t)).state();
                boolean mine = active.containsKey(t.id());
                if (s == TrialState.FAILED && options.retryFailed() && !gaveUp.contains(t.id()) && !mine
                        && failedBefore(t, start)) {
                    s = TrialState.PENDING;
                }
                counts.merge(mine && s != TrialState.DONE && s != TrialState.FAILED ? TrialState.RUNNING : s, 1,
                        Integer::sum);
                if (!mine && !gaveUp.contains(t.id()) && (s == TrialState.PENDING || s == TrialState.STALE)) {
                    candidates.add(t);
                }
            }
            List<Double> runningSeconds = new ArrayList<>();
            synchronized (active) {
                active.values().forEach(c -> runningSeconds.add(Duration.between(c.started(), Instant.now()).toMillis() / 1000.0));
            }
            progress.show(counts, runningSeconds);
            boolean waiting = counts.getOrDefault(TrialState.RUNNING, 0) > 0;
            if (stopping || (candidates.isEmpty() && !waiting && active.isEmpty())) {
                break;
            }
            for (Trial t : candidates) {
                if (active.size() >= options.workers().workers() || stopping) {
                    break;
                }
                launch(t, start);
            }
            Thread.sleep(active.isEmpty() ? 1000 : 250);
        }
        awaitChildren();
        writeReport(plan);
        int done = 0;
        int failed = 0;
        for (Trial t : slice) {
            TrialState s = new TrialDir(plan.trialDir(t)).state();
            done += s == TrialState.DONE ? 1 : 0;
            failed += s == TrialState.FAILED ? 1 : 0;
        }
        return new Summary(done, failed, slice.size() - done - failed, Duration.between(start, Instant.now()));
    }

    private boolean failedBefore(Trial t, Instant start) throws IOException {
        Optional<Map<String, Object>> f = new TrialDir(plan.trialDir(t)).failure();
        return f.isPresent() && f.get().get("at") instanceof String at && Instant.parse(at).isBefore(start);
    }

    private int freeWorker() {
        Set<Integer> used = new HashSet<>();
        active.values().forEach(c -> used.add(c.worker()));
        int k = 0;
        while (used.contains(k)) {
            k++;
        }
        return k;
    }

    private void launch(Trial t, Instant start) throws IOException {
        TrialDir dir = new TrialDir(plan.trialDir(t));
        int worker = freeWorker();
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        cmd.add("-Xmx" + options.javaHeap());
        cmd.addAll(JvmSettings.flags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrialMain.class.getName(),
                dir.path().toString(), "--threads", Integer.toString(options.threads())));
        if (options.retryFailed()) {
            cmd.addAll(List.of("--retry-failed-before", start.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.path().resolve(TrialDir.LOG_FILE).toFile()));
        Map<String, String> env = pb.environment();
        JvmSettings.environment().forEach(env::putIfAbsent);
        env.put("OMP_NUM_THREADS", Integer.toString(options.threads()));
        String device = options.workers().deviceOf(worker);
        if (device != null) {
            env.put("CUDA_VISIBLE_DEVICES", device);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IllegalStateException shuttingDown) { // a signal arrived between the check and the start
            stopping = true;
            return;
        }
        synchronized (active) {
            active.put(t.id(), new Child(t, p, Instant.now(), worker));
        }
        if (stopping) {
            p.destroy();
        }
    }

    /**
     * Writes results.csv, summary.csv, the plots and report.html from every trial's directory (what
     * this process, other processes and other shards finished).
     *
     * @param plan the plan
     * @throws IOException on I/O errors
     */
    public static void writeReport(SweepPlan plan) throws IOException {
        SweepReport.write(plan.sweep().out(), plan.sweep().name(), plan.sweep().axisKeys(), TrialRecords.of(plan));
    }

    /** Collects finished trial processes, says how each ended, and rewrites the report when one did. */
    private void reap(Progress progress) throws IOException {
        List<Child> ended = new ArrayList<>();
        synchronized (active) {
            active.values().removeIf(c -> !c.process().isAlive() && ended.add(c));
        }
        if (!ended.isEmpty()) {
            writeReport(plan);
        }
        for (Child c : ended) {
            int code = c.process().exitValue();
            TrialDir dir = new TrialDir(plan.trialDir(c.trial()));
            Duration took = Duration.between(c.started(), Instant.now());
            switch (code) {
                case TrialRun.DONE -> {
                    Object val = dir.results().map(r -> r.get("val_loss")).orElse(null);
                    progress.finished(c.trial(), "done", took, val == null ? "" : "val_loss " + Progress.number(val));
                }
                case TrialRun.FAILED -> progress.finished(c.trial(), "FAILED", took,
                        dir.failure().map(f -> String.valueOf(f.get("error"))).orElse(""));
                case TrialRun.NOT_CLAIMED -> { } // another process holds it (or finished it): its state says which
                default -> crashed(c, dir, code, took, progress);
            }
        }
    }

    /** A trial process that ended without recording itself (killed, out of memory, a JVM that would not start). */
    private void crashed(Child c, TrialDir dir, int code, Duration took, Progress progress) throws IOException {
        if (stopping && (code == TrialRun.INTERRUPTED || code == 143)) {
            progress.finished(c.trial(), "stopped", took, "resumes from its checkpoint next time");
            return;
        }
        Optional<Claim> claim = dir.latestClaim();
        String why = "the trial process exited with code " + code + lastLine(dir.path().resolve(TrialDir.LOG_FILE));
        if (claim.isPresent() && claim.get().pid() == c.process().pid() && dir.state() != TrialState.DONE) {
            dir.writeFailed(claim.get().generation(), why, code);
        } else {
            gaveUp.add(c.trial().id()); // never claimed: do not start it again in this run
        }
        progress.finished(c.trial(), "FAILED", took, why);
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return ": " + lines.get(i).strip();
                }
            }
        } catch (IOException e) {
            // no log: the code alone
        }
        return "";
    }

    private void awaitChildren() throws InterruptedException {
        List<Child> left;
        synchronized (active) {
            left = new ArrayList<>(active.values());
        }
        for (Child c : left) {
            c.process().waitFor();
        }
    }

}
