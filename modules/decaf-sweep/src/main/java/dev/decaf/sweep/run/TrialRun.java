package dev.decaf.sweep.run;

import dev.decaf.core.json.Json;
import dev.decaf.train.checkpoint.CheckpointStore;
import dev.decaf.train.finetune.Finetune;
import dev.decaf.train.recipe.Recipe;
import dev.decaf.train.recipe.RecipeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One attempt at one trial, in this process: claim it, run (or resume) its fine-tuning, record
 * done.json or failed.json. The process that runs this is the claim's holder, so a trial whose
 * sweep process was killed still finishes and records itself.
 */
public final class TrialRun {

    /** Exit code: the trial is done. */
    public static final int DONE = 0;
    /** Exit code: the trial failed and failed.json says why. */
    public static final int FAILED = 1;
    /** Exit code: another process holds the trial, or it needs nothing. */
    public static final int NOT_CLAIMED = 3;
    /** Exit code: stopped by a signal; the claim is released and the run resumes from its checkpoint. */
    public static final int INTERRUPTED = 130;

    private final TrialDir dir;
    private final int threads;
    private final Instant retryFailedBefore;
    private final PrintStream console;
    private volatile Finetune running;
    private volatile boolean stopRequested;

    /**
     * An attempt.
     *
     * @param dir the trial's directory (holding trial.json)
     * @param threads compute threads
     * @param retryFailedBefore failures recorded before this instant are retried (null: none)
     * @param console where the run's progress goes
     */
    public TrialRun(TrialDir dir, int threads, Instant retryFailedBefore, PrintStream console) {
        this.dir = dir;
        this.threads = threads;
        this.retryFailedBefore = retryFailedBefore;
        this.console = console;
    }

    /** Asks the run to stop at its next step (it checkpoints first). */
    public void requestStop() {
        stopRequested = true;
        Finetune f = running;
        if (f != null) {
            f.requestStop();
        }
    }

    /**
     * Runs the attempt.
     *
     * @return {@link #DONE}, {@link #FAILED}, {@link #NOT_CLAIMED} or {@link #INTERRUPTED}
     * @throws IOException when the trial directory cannot be read or written
     */
    public int run() throws IOException {
        Map<String, Object> trial = Json.parseObject(Files.readString(dir.path().resolve(TrialDir.TRIAL_FILE)));
        Optional<Claim> claimed = dir.tryClaim(retryFailedBefore);
        if (claimed.isEmpty()) {
            return NOT_CLAIMED;
        }
        Claim claim = claimed.get();
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "decaf-trial-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = TrialDir.HEARTBEAT.toMillis();
        beat.scheduleAtFixedRate(() -> {
            try {
                dir.heartbeat(claim);
            } catch (IOException e) {
                // the next beat tries again; a claim untouched for STALE_AFTER is taken over
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        try {
            Finetune.Outcome o = train(trial);
            if (o.interrupted()) {
                dir.release(claim);
                return INTERRUPTED;
            }
            if (!dir.holds(claim)) { // taken over as dead while we ran: the new holder records the trial
                return NOT_CLAIMED;
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            dir.writeDone(results(trial, o, claim, wall));
            return DONE;
        } catch (IOException | RuntimeException e) {
            String error = firstLine(e);
            console.println("decaf: trial " + trial.get("id") + " failed: " + error);
            if (dir.holds(claim)) {
                dir.writeFailed(claim.generation(), error, FAILED);
            }
            return FAILED;
        } finally {
            beat.shutdownNow();
        }
    }

    /** Starts the trial's run, or resumes it from its newest intact checkpoint. */
    private Finetune.Outcome train(Map<String, Object> trial) throws IOException {
        Path run = dir.runDir();
        Path stored = run.resolve(Finetune.RECIPE_FILE);
        String threadsSet = "train.threads=" + threads;
        boolean resume = Files.isRegularFile(stored)
                && new CheckpointStore(run.resolve("checkpoints"), 1).latestIntact().isPresent();
        Recipe recipe;
        String hash;
        if (resume) {
            recipe = Recipe.load(stored.toAbsolutePath(), List.of(threadsSet));
            hash = recipe.hash(); // train.threads is outside the hash: the run's own, as its checkpoints carry it
            console.println("decaf: trial " + trial.get("id") + ": resuming " + run);
        } else {
            if (Files.exists(run)) {
                dev.decaf.core.io.AtomicFiles.deleteTree(run); // an attempt that died before its first checkpoint
            }
            List<String> sets = new ArrayList<>();
            for (Object o : (List<?>) trial.get("overrides")) {
                sets.add((String) o);
            }
            sets.add("out=" + run.toAbsolutePath());
            sets.add(threadsSet);
            recipe = Recipe.load(Path.of((String) trial.get("base")), sets);
            hash = recipe.hash();
        }
        Finetune f = new Finetune(recipe, hash, resume, console);
        running = f;
        if (stopRequested) {
            f.requestStop();
        }
        return f.run();
    }

    /** done.json: the trial's values and what the run measured. */
    private Map<String, Object> results(Map<String, Object> trial, Finetune.Outcome o, Claim claim, double wall)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", trial.get("id"));
        m.put("values", trial.get("values"));
        RunMetrics metrics = RunMetrics.read(dir.runDir());
        put(m, "val_loss", o.valAfter());
        put(m, "val_loss_before", metrics.initialValLoss());
        put(m, "train_loss", metrics.trainLoss());
        put(m, "grad_norm", metrics.lastGradNorm());
        m.put("steps", o.state().step());
        Map<String, Object> decay = metrics.weightDecay();
        for (String k : new String[] {"lambda", "tau_iter", "tau_epoch", "run_fraction", "rule"}) {
            m.put(k, decay.get(k));
        }
        put(m, "wall_s", wall);
        m.put("generation", claim.generation());
        m.put("host", claim.host());
        m.put("finished_at", Instant.now().toString());
        return m;
    }

    private static void put(Map<String, Object> m, String key, double v) {
        m.put(key, Double.isFinite(v) ? v : null);
    }

    private static String firstLine(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String line = msg.lines().findFirst().orElse(msg).strip();
        boolean expected = e instanceof IllegalArgumentException || e instanceof RecipeException
                || e instanceof dev.decaf.train.loop.DivergedException;
        return expected ? line : e.getClass().getSimpleName() + ": " + line;
    }
}
