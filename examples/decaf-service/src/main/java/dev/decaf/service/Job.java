package dev.decaf.service;

import dev.decaf.core.io.AtomicFiles;
import dev.decaf.core.json.Json;
import dev.decaf.train.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fine-tuning job: its id, its directory, its recipe and its progress, which the worker
 * training it updates and HTTP threads read (every method synchronizes).
 *
 * <p>{@code JOB/recipe.yaml} (the resolved recipe) defines the job; {@code JOB/status.json}
 * holds the same JSON as {@code GET /jobs/{id}}, rewritten atomically at every change of state and
 * every checkpoint, so a restarted service knows what each job was doing:
 *
 * <pre>
 * {"id", "state": queued|running|done|failed, "step", "total_steps", "loss", "lr",
 *  "tokens_per_second", "checkpoint_step", "resumed_from", "error"}
 * </pre>
 *
 * Numbers not yet known are null; {@code loss} is the last step's mean loss over its micro-batches,
 * {@code lr} the learning rate it used, {@code tokens_per_second} that step's positions per second.
 */
final class Job {

    static final String RECIPE = "recipe.yaml";
    static final String STATUS = "status.json";
    static final String MODEL = "model";

    private final String id;
    private final Path dir;
    private final Recipe recipe;
    private JobState state = JobState.QUEUED;
    private long step;
    private Long totalSteps;
    private Double loss;
    private Double lr;
    private Double tokensPerSecond;
    private Long checkpointStep;
    private Long resumedFrom;
    private String error;

    private Job(String id, Path dir, Recipe recipe) {
        this.id = id;
        this.dir = dir;
        this.recipe = recipe;
    }

    /**
     * A new job: writes its recipe, then its status (queued).
     *
     * @param id the id
     * @param dir its directory (existing)
     * @param recipe its resolved recipe
     * @return the job
     * @throws IOException on a write error
     */
    static Job create(String id, Path dir, Recipe recipe) throws IOException {
        AtomicFiles.writeString(dir.resolve(RECIPE), recipe.toYaml());
        Job job = new Job(id, dir, recipe);
        job.save();
        return job;
    }

    /**
     * A job a previous run of the service left in its directory, with its last saved status.
     *
     * @param id the id (the directory's name)
     * @param dir its directory
     * @return the job
     * @throws IOException when recipe.yaml or status.json cannot be read
     * @throws IllegalArgumentException when recipe.yaml no longer loads (a data file was removed)
     */
    static Job read(String id, Path dir) throws IOException {
        Job job = new Job(id, dir, Recipe.load(dir.resolve(RECIPE), java.util.List.of()));
        Map<String, Object> s = Json.parseObject(Files.readString(dir.resolve(STATUS)));
        job.state = JobState.ofJsonName((String) s.get("state"));
        job.step = ((Number) s.get("step")).longValue();
        job.totalSteps = s.get("total_steps") == null ? null : ((Number) s.get("total_steps")).longValue();
        job.loss = s.get("loss") == null ? null : ((Number) s.get("loss")).doubleValue();
        job.lr = s.get("lr") == null ? null : ((Number) s.get("lr")).doubleValue();
        job.tokensPerSecond = s.get("tokens_per_second") == null ? null : ((Number) s.get("tokens_per_second")).doubleValue();
        job.checkpointStep = s.get("checkpoint_step") == null ? null : ((Number) s.get("checkpoint_step")).longValue();
        job.resumedFrom = s.get("resumed_from") == null ? null : ((Number) s.get("resumed_from")).longValue();
        job.error = (String) s.get("error");
        return job;
    }

    String id() {
        return id;
    }

    Path dir() {
        return dir;
    }

    Recipe recipe() {
        return recipe;
    }

    synchronized JobState state() {
        return state;
    }

    /** A restarted service queues the unfinished job again; the worker resumes it from its checkpoint. */
    synchronized void requeue() throws IOException {
        state = JobState.QUEUED;
        save();
    }

    /** A worker starts (or resumes) the job. */
    synchronized void running(long totalSteps, long fromStep) throws IOException {
        this.state = JobState.RUNNING;
        this.totalSteps = totalSteps;
        this.step = fromStep;
        this.resumedFrom = fromStep > 0 ? fromStep : null;
        this.error = null;
        save();
    }

    /** One optimizer step ended (kept in memory; saved with the next checkpoint or state). */
    synchronized void stepped(long step, double loss, double lr, double tokensPerSecond) {
        this.step = step;
        this.loss = loss;
        this.lr = lr;
        this.tokensPerSecond = tokensPerSecond;
    }

    /** A checkpoint of {@code step} is on disk. */
    synchronized void checkpointed(long step) throws IOException {
        this.checkpointStep = step;
        save();
    }

    /** The model is in {@code JOB/model}. */
    synchronized void done() throws IOException {
        state = JobState.DONE;
        save();
    }

    /** The job stopped on an error (one line). */
    synchronized void failed(String message) throws IOException {
        state = JobState.FAILED;
        error = message;
        save();
    }

    /** Returns the job as the JSON object of {@code GET /jobs/{id}} (see the class comment). */
    synchronized Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", state.jsonName());
        m.put("step", step);
        m.put("total_steps", totalSteps);
        m.put("loss", loss);
        m.put("lr", lr);
        m.put("tokens_per_second", tokensPerSecond);
        m.put("checkpoint_step", checkpointStep);
        m.put("resumed_from", resumedFrom);
        m.put("error", error);
        return m;
    }

    private void save() throws IOException {
        AtomicFiles.writeString(dir.resolve(STATUS), Json.pretty(toJson()) + "\n");
    }
}
