package dev.decaf.service;

import ai.djl.ndarray.NDManager;
import dev.decaf.djl.runtime.EngineLock;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Greedy generation from the latest model of a job: its final model once done, else its newest
 * checkpoint's. The model is loaded from disk for each request, a copy of its own, so generating
 * never touches the weights a worker is training.
 */
final class Generation {

    private Generation() {}

    /**
     * Generates a greedy continuation of a prompt.
     *
     * @param job the job
     * @param prompt the prompt
     * @param maxTokens the most new tokens
     * @return {@code {"id", "model", "step", "text", "tokens", "stop"}}: which model answered (a path
     *     relative to the job's directory) and the continuation
     * @throws NoModelYet when the job has no checkpoint yet (HTTP 409)
     * @throws IOException when the model cannot be read
     */
    static Map<String, Object> generate(Job job, String prompt, int maxTokens) throws IOException {
        Path model = job.dir().resolve(Job.MODEL);
        long step;
        if (job.state() == JobState.DONE && Files.isDirectory(model)) {
            step = (Long) job.toJson().get("step");
        } else {
            Optional<JobCheckpoint> c = JobCheckpoint.latest(job.dir());
            if (c.isEmpty()) {
                throw new NoModelYet(job.id() + " has no checkpoint yet (state " + job.state().jsonName() + ")");
            }
            model = c.get().modelDirectory();
            step = c.get().step();
        }
        try (NDManager manager = NDManager.newBaseManager();
                TextTokenizer tok = TextTokenizer.load(model.resolve("tokenizer.json"))) {
            ModelDirectory.Loaded loaded;
            try (EngineLock.Held engine = EngineLock.acquire()) { // loading initialises, which draws random numbers
                loaded = ModelDirectory.load(model, manager);
            }
            dev.decaf.text.sampling.Generation.Result r = new Generator(loaded.model(), tok, manager).generate(prompt, maxTokens, Sampler.greedy());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", job.id());
            m.put("model", job.dir().relativize(model).toString());
            m.put("step", step);
            m.put("text", r.text());
            m.put("tokens", r.ids().length);
            m.put("stop", r.stop().name().toLowerCase(java.util.Locale.ROOT));
            return m;
        }
    }

    /** A job that has written no checkpoint yet has no model to generate from. */
    static final class NoModelYet extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoModelYet(String message) {
            super(message);
        }
    }
}
