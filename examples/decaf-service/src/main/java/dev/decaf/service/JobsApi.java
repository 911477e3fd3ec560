package dev.decaf.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.decaf.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP API, everything under {@code /jobs}:
 *
 * <pre>
 * POST /jobs[?key=value...]     a recipe (application/yaml) or training text (text/plain); 201 {job}
 * GET  /jobs                    {"jobs": [{job}, ...]}
 * GET  /jobs/{id}               {job}: state, step, total_steps, loss, lr, tokens_per_second, ...
 * POST /jobs/{id}/generate      {"prompt": "...", "max_tokens": 20} → greedy text from the latest model
 * </pre>
 *
 * Errors are {@code {"error": "one line"}}: 400 for a bad recipe or request (decaf's own message,
 * naming the key), 404 for an unknown job or path, 405 for a wrong method, 409 when a job has no
 * model yet, 415 for a body that is neither a recipe nor text, 500 otherwise.
 */
final class JobsApi implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JobsApi.class);

    /** The most new tokens one generate request may ask for. */
    static final int MAX_NEW_TOKENS = 512;

    private final Jobs jobs;

    JobsApi(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            route(ex);
        } catch (JobRecipes.UnsupportedMediaType e) {
            HttpReplies.error(ex, 415, e.getMessage());
        } catch (IllegalArgumentException e) {
            HttpReplies.error(ex, 400, e.getMessage());
        } catch (Generation.NoModelYet e) {
            HttpReplies.error(ex, 409, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.error("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString(), e);
            HttpReplies.error(ex, 500, String.valueOf(e.getMessage()));
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String[] parts = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
        // parts: ["", "jobs"], ["", "jobs", id] or ["", "jobs", id, "generate"]
        if (parts.length == 2 && method.equals("POST")) {
            Job job = jobs.submit(HttpReplies.mediaType(ex), HttpReplies.body(ex), HttpReplies.query(ex));
            ex.getResponseHeaders().set("Location", "/jobs/" + job.id());
            HttpReplies.json(ex, 201, job.toJson());
        } else if (parts.length == 2 && method.equals("GET")) {
            HttpReplies.json(ex, 200, Map.of("jobs", jobs.all().stream().map(Job::toJson).toList()));
        } else if (parts.length == 3 && method.equals("GET")) {
            Optional<Job> job = jobs.get(parts[2]);
            if (job.isEmpty()) {
                HttpReplies.error(ex, 404, "no job " + parts[2]);
            } else {
                HttpReplies.json(ex, 200, job.get().toJson());
            }
        } else if (parts.length == 4 && parts[3].equals("generate") && method.equals("POST")) {
            generate(ex, parts[2]);
        } else if (parts.length >= 2 && parts.length <= 4) {
            HttpReplies.error(ex, 405, method + " is not allowed on " + ex.getRequestURI().getPath());
        } else {
            HttpReplies.error(ex, 404, "no such path: " + ex.getRequestURI().getPath());
        }
    }

    private void generate(HttpExchange ex, String id) throws IOException {
        Optional<Job> job = jobs.get(id);
        if (job.isEmpty()) {
            HttpReplies.error(ex, 404, "no job " + id);
            return;
        }
        Map<String, Object> request = Json.parseObject(new String(HttpReplies.body(ex), StandardCharsets.UTF_8));
        if (!(request.get("prompt") instanceof String prompt)) {
            throw new IllegalArgumentException("prompt: a string is required");
        }
        Object max = request.getOrDefault("max_tokens", 20L);
        if (!(max instanceof Long n) || n < 0 || n > MAX_NEW_TOKENS) {
            throw new IllegalArgumentException("max_tokens: an integer in [0, " + MAX_NEW_TOKENS + "], got " + max);
        }
        for (String key : request.keySet()) {
            if (!List.of("prompt", "max_tokens").contains(key)) {
                throw new IllegalArgumentException(key + ": unknown key (known: prompt, max_tokens)");
            }
        }
        HttpReplies.json(ex, 200, Generation.generate(job.get(), prompt, Math.toIntExact((Long) max)));
    }
}
