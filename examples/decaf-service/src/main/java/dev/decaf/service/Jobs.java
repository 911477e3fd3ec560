package dev.decaf.service;

import dev.decaf.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs directory and the workers that train its jobs: one directory per job, {@code
 * JOBS/job-N/}, and a fixed pool of worker threads taking queued jobs in submission order. At
 * start every job a previous run left unfinished (queued or running) is queued again; its worker
 * resumes it from its newest checkpoint.
 */
final class Jobs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
    private static final Pattern NAME = Pattern.compile("job-(\\d+)");

    private final Path root;
    private final Path defaultModel;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger lastId = new AtomicInteger();
    private final ExecutorService workers;

    private Jobs(Path root, Path defaultModel, int workers) {
        this.root = root;
        this.defaultModel = defaultModel;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "decaf-service-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens a jobs directory (created if missing) and queues its unfinished jobs again.
     *
     * @param root the jobs directory
     * @param defaultModel the model of data-file jobs
     * @param workers how many jobs train at once
     * @return the jobs
     * @throws IOException when the directory cannot be read
     */
    static Jobs open(Path root, Path defaultModel, int workers) throws IOException {
        Files.createDirectories(root);
        Jobs jobs = new Jobs(root, defaultModel, workers);
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.exists(p.resolve(Job.STATUS)))
                    .sorted(Comparator.comparingInt(Jobs::number)).toList();
        }
        for (Path dir : dirs) {
            String id = dir.getFileName().toString();
            jobs.lastId.accumulateAndGet(number(dir), Math::max);
            Job job;
            try {
                job = Job.read(id, dir);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: cannot be read, skipped: {}", id, e.getMessage());
                continue;
            }
            jobs.jobs.put(id, job);
            if (job.state().unfinished()) {
                LOG.info("{}: unfinished ({}), queued again", id, job.state().jsonName());
                job.requeue();
                jobs.queue(job);
            }
        }
        return jobs;
    }

    /**
     * Accepts a job: a new directory, its recipe, then the queue.
     *
     * @param mediaType the body's media type
     * @param body the recipe or the training text
     * @param overrides the query's {@code key=value} overrides
     * @return the queued job
     * @throws IOException on a write error
     * @throws IllegalArgumentException for a bad submission (nothing is left behind, no id used up)
     */
    synchronized Job submit(String mediaType, byte[] body, List<String> overrides) throws IOException {
        String id = "job-" + (lastId.get() + 1);
        Path dir = root.resolve(id);
        Files.createDirectories(dir);
        Job job;
        try {
            job = Job.create(id, dir, JobRecipes.read(mediaType, body, overrides, defaultModel, dir));
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteTree(dir);
            throw e;
        }
        lastId.incrementAndGet();
        jobs.put(id, job);
        queue(job);
        return job;
    }

    /** Returns a job by id. */
    Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Returns every job, in submission order. */
    List<Job> all() {
        List<Job> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparingInt(j -> number(j.dir())));
        return all;
    }

    private void queue(Job job) {
        workers.execute(() -> {
            try {
                LOG.info("{}: training", job.id());
                new TrainingJob(job).run();
                LOG.info("{}: done", job.id());
            } catch (Exception e) {
                String message = e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("")
                        : e.getClass().getSimpleName();
                LOG.error("{}: failed: {}", job.id(), message, e);
                try {
                    job.failed(message);
                } catch (IOException io) {
                    LOG.error("{}: cannot save its status: {}", job.id(), io.getMessage());
                }
            }
        });
    }

    private static int number(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Stops taking jobs; a job in training is abandoned at its last checkpoint (the next start resumes it). */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
