package dev.decaf.sweep.run;

import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A trial's directory, and the protocol by which processes that share it (local workers, cluster
 * tasks on a shared file system) agree on who runs the trial.
 *
 * <pre>
 * trial.json       the trial: id, grid values, overrides (written by the planner)
 * claim-g.json     generation g of the claim (g = 1, 2, ...); the highest one counts
 * done.json        the results; once it exists the trial is never run again
 * failed.json      the error of generation g's attempt
 * run/             the fine-tuning run (checkpoints, metrics.jsonl, model/)
 * log.txt          what the trial's process printed, every attempt appended
 * </pre>
 *
 * <p>Claiming is creating {@code claim-(g+1).json} as a hard link to a fully written temporary file:
 * the link fails if the name exists, on local file systems and NFS alike, so of two processes that
 * claim the same generation exactly one wins, and a reader never sees a half-written claim. A
 * claim is alive while its process runs (checked directly on the same host) or, from another host,
 * while its holder touches it at least every {@link #STALE_AFTER}; a dead claim is taken over by
 * claiming the next generation, and the run resumes from its newest checkpoint.
 */
public final class TrialDir {

    /** How long a claim from another host may go untouched before it counts as dead. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(120);
    /** How often a holder touches its claim. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);

    public static final String TRIAL_FILE = "trial.json";
    public static final String DONE_FILE = "done.json";
    public static final String FAILED_FILE = "failed.json";
    public static final String LOG_FILE = "log.txt";

    private static final Pattern CLAIM = Pattern.compile("claim-(\\d+)\\.json");

    private final Path dir;

    /**
     * Wraps a trial directory.
     *
     * @param dir the directory
     */
    public TrialDir(Path dir) {
        this.dir = dir;
    }

    /** Returns the directory. */
    public Path path() {
        return dir;
    }

    /** Returns the run directory. */
    public Path runDir() {
        return dir.resolve(dev.decaf.sweep.plan.SweepPlan.RUN_DIR);
    }

    /** Returns the highest claim, if any. */
    public Optional<Claim> latestClaim() throws IOException {
        int g = latestGeneration();
        if (g == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Claim.fromJson(Files.readString(claimFile(g))));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed under us: the directory is being reset
        }
    }

    /** Returns the generation of the highest claim file (0 for none). */
    int latestGeneration() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int g = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = CLAIM.matcher(p.getFileName().toString());
                if (m.matches()) {
                    g = Math.max(g, Integer.parseInt(m.group(1)));
                }
            }
        }
        return g;
    }

    private Path claimFile(int g) {
        return dir.resolve("claim-" + g + ".json");
    }

    /** A state and the claim generation it was read from. */
    private record Look(TrialState state, int generation) {}

    /**
     * Returns the trial's state.
     *
     * @return the state
     * @throws IOException on I/O errors
     */
    public TrialState state() throws IOException {
        return look().state();
    }

    private Look look() throws IOException {
        if (Files.exists(dir.resolve(DONE_FILE))) {
            return new Look(TrialState.DONE, -1);
        }
        int g = latestGeneration();
        if (g == 0) {
            return new Look(TrialState.PENDING, 0);
        }
        Optional<Map<String, Object>> failed = failure();
        if (failed.isPresent() && ((Number) failed.get().get("generation")).intValue() >= g) {
            return new Look(TrialState.FAILED, g);
        }
        Optional<Claim> claim;
        try {
            claim = Optional.of(Claim.fromJson(Files.readString(claimFile(g))));
        } catch (NoSuchFileException e) {
            claim = Optional.empty();
        }
        if (claim.isEmpty() || claim.get().released()) {
            return new Look(TrialState.PENDING, g);
        }
        return new Look(alive(claim.get(), g) ? TrialState.RUNNING : TrialState.STALE, g);
    }

    private boolean alive(Claim c, int g) throws IOException {
        if (c.onThisHost()) {
            return c.holderAliveHere();
        }
        FileTime touched = Files.getLastModifiedTime(claimFile(g));
        return Duration.between(touched.toInstant(), Instant.now()).compareTo(STALE_AFTER) < 0;
    }

    /** Returns failed.json, if present. */
    public Optional<Map<String, Object>> failure() throws IOException {
        return readJson(FAILED_FILE);
    }

    /** Returns done.json, if present. */
    public Optional<Map<String, Object>> results() throws IOException {
        return readJson(DONE_FILE);
    }

    private Optional<Map<String, Object>> readJson(String name) throws IOException {
        try {
            return Optional.of(Json.parseObject(Files.readString(dir.resolve(name))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Claims the trial for this process if it is pending, stale, or failed before {@code
     * retryFailedBefore}.
     *
     * @param retryFailedBefore failures recorded before this instant are retried (null: none)
     * @return the claim, or empty when the trial is done, running elsewhere, failed (and not
     *     retried) or another process claimed it first
     * @throws IOException on I/O errors
     */
    public Optional<Claim> tryClaim(Instant retryFailedBefore) throws IOException {
        Look look = look();
        switch (look.state()) {
            case DONE, RUNNING -> {
                return Optional.empty();
            }
            case FAILED -> {
                Object at = failure().map(f -> f.get("at")).orElse(null);
                if (retryFailedBefore == null || at == null || !Instant.parse((String) at).isBefore(retryFailedBefore)) {
                    return Optional.empty();
                }
            }
            default -> { }
        }
        // the generation after the one the decision was read from: if anyone claimed since, the
        // link below finds that name taken and this claimant backs off
        int g = look.generation() + 1;
        Claim mine = Claim.ofThisProcess(g);
        // a name of its own (threads of one process share a pid), created new: never another's inode
        Path tmp = dir.resolve(".claim-" + g + "." + mine.pid() + "." + java.util.UUID.randomUUID() + ".tmp");
        Files.writeString(tmp, mine.toJson(), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE);
        try {
            Files.createLink(claimFile(g), tmp);
        } catch (FileAlreadyExistsException e) {
            return Optional.empty();
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (Files.exists(dir.resolve(DONE_FILE))) { // finished between our look and our claim
            release(mine);
            return Optional.empty();
        }
        return Optional.of(mine);
    }

    /**
     * Returns whether a claim is still the trial's highest (false once another process took over).
     *
     * @param c the claim
     * @return whether it holds
     */
    public boolean holds(Claim c) throws IOException {
        return latestGeneration() == c.generation();
    }

    /** Touches a claim, so that processes on other hosts see its holder alive. */
    public void heartbeat(Claim c) throws IOException {
        Files.setLastModifiedTime(claimFile(c.generation()), FileTime.from(Instant.now()));
    }

    /** Gives a claim back (an interrupted run): the trial is pending again and resumes. */
    public void release(Claim c) throws IOException {
        AtomicFiles.writeString(claimFile(c.generation()), c.release().toJson());
    }

    /**
     * Records the results: the trial is done for good.
     *
     * @param results done.json's object
     */
    public void writeDone(Map<String, Object> results) throws IOException {
        AtomicFiles.writeString(dir.resolve(DONE_FILE), Json.pretty(results) + "\n");
    }

    /**
     * Records a failure of generation g's attempt.
     *
     * @param generation g
     * @param error the error's first line
     * @param exitCode the process's exit code (or -1 when unknown)
     */
    public void writeFailed(int generation, String error, int exitCode) throws IOException {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("generation", generation);
        m.put("error", error);
        m.put("exit_code", exitCode);
        m.put("at", Instant.now().toString());
        AtomicFiles.writeString(dir.resolve(FAILED_FILE), Json.pretty(m) + "\n");
    }
}
