package dev.decaf.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.decaf.core.json.Json;
import dev.decaf.core.runtime.JvmSettings;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Generator;
import dev.decaf.text.sampling.Sampler;
import dev.decaf.text.tokenizer.TextTokenizer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service in a child JVM, driven over HTTP as a client would: two identical text jobs are
 * submitted; the service is killed (SIGKILL) once the first has a checkpoint and is still
 * training, while the second waits in the queue; a restart on the same jobs directory resumes the
 * first and runs the second from its start. The resumed job must end with the very bytes of the
 * one never interrupted (weights and last loss), after the right number of steps; bad recipes are
 * refused with decaf's message naming the key; generation returns exactly the greedy continuation
 * of the final model loaded here, in this JVM.
 */
class ServiceResumeTest {

    private static final Path MODEL = Path.of("../../models/quickstart-base");
    private static final long STEPS = 20;
    private static final String JOB_QUERY = "?train.steps=" + STEPS + "&train.checkpoint_every=5";

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Process service;
    private int port;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.destroyForcibly().waitFor();
        }
    }

    @Test
    void aKilledServiceResumesItsJobToTheBitAndServesTheirModels() throws Exception {
        Path jobs = tmp.resolve("jobs");
        byte[] text = trainingText();
        start(jobs, 1);

        HttpResponse<String> bad = post("/jobs", "application/yaml",
                "model: " + MODEL.toAbsolutePath() + "\ndata:\n  train: builtin:category\ntrain:\n  stpes: 3\n");
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(error(bad).contains("recipe:5: train.stpes: unknown key 'stpes' (did you mean 'steps'?)"), bad.body());
        HttpResponse<String> badQuery = post("/jobs?train.batch_size=0", "text/plain", new String(text));
        assertEquals(400, badQuery.statusCode(), badQuery.body());
        assertEquals("--set train.batch_size=0: train.batch_size: must be >= 1, got 0", error(badQuery));
        assertEquals(415, post("/jobs", "application/octet-stream", "x").statusCode());

        assertEquals(201, post("/jobs" + JOB_QUERY, "text/plain", new String(text)).statusCode());
        assertEquals(201, post("/jobs" + JOB_QUERY, "text/plain", new String(text)).statusCode());
        Map<String, Object> midway = poll("job-1", j -> j.get("checkpoint_step") != null
                && ((Number) j.get("checkpoint_step")).longValue() >= 5);
        Map<String, Object> waiting = get("/jobs/job-2");
        service.destroyForcibly().waitFor();
        assertEquals("running", midway.get("state"));
        assertTrue(((Number) midway.get("step")).longValue() < STEPS, "killed before its end: " + midway);
        assertEquals("queued", waiting.get("state"), "job-2 waits for the one worker: " + waiting);

        start(jobs, 2);
        Map<String, Object> resumed = poll("job-1", j -> !j.get("state").equals("running") && !j.get("state").equals("queued"));
        Map<String, Object> fresh = poll("job-2", j -> j.get("state").equals("done") || j.get("state").equals("failed"));
        assertEquals("done", resumed.get("state"), resumed.toString());
        assertEquals("done", fresh.get("state"), fresh.toString());
        assertEquals(STEPS, ((Number) resumed.get("step")).longValue());
        assertEquals(STEPS, ((Number) resumed.get("total_steps")).longValue());
        long from = ((Number) resumed.get("resumed_from")).longValue();
        assertTrue(from >= 5 && from < STEPS && from % 5 == 0, "resumed from checkpoint " + from);
        assertNull(fresh.get("resumed_from"), "job-2 ran from its start, uninterrupted");

        // the interrupted job equals the uninterrupted one to the bit
        assertEquals(fresh.get("loss"), resumed.get("loss"));
        assertArrayEquals(Files.readAllBytes(jobs.resolve("job-2/model/model.safetensors")),
                Files.readAllBytes(jobs.resolve("job-1/model/model.safetensors")));
        double firstLoss = ((Number) midway.get("loss")).doubleValue();
        assertTrue(((Number) resumed.get("loss")).doubleValue() < firstLoss, "it trained: " + midway + " -> " + resumed);

        HttpResponse<String> gen = post("/jobs/job-1/generate", "application/json",
                "{\"prompt\": \"the cat\", \"max_tokens\": 12}");
        assertEquals(200, gen.statusCode(), gen.body());
        Map<String, Object> g = Json.parseObject(gen.body());
        assertEquals("model", g.get("model"));
        assertEquals(greedy(jobs.resolve("job-1/model"), "the cat", 12), g.get("text"));
        assertEquals(404, post("/jobs/job-9/generate", "application/json", "{\"prompt\": \"a\"}").statusCode());
        assertEquals(400, post("/jobs/job-1/generate", "application/json", "{\"prompt\": 3}").statusCode());
    }

    /** The greedy continuation of the final model, loaded in this JVM. */
    private static String greedy(Path modelDir, String prompt, int maxTokens) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                TextTokenizer tok = TextTokenizer.load(modelDir.resolve("tokenizer.json"))) {
            var model = ModelDirectory.load(modelDir, manager).model();
            return new Generator(model, tok, manager).generate(prompt, maxTokens, Sampler.greedy()).text();
        }
    }

    /** ~14 KB of sentences over a small vocabulary: ~170 blocks of 33 tokens: 43 batches of 4 an epoch. */
    private static byte[] trainingText() {
        String[] words = "the cat sat on a mat and the dog ran to the red ball while tom gave mia a cup of tea".split(" ");
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder b = new StringBuilder();
        for (int line = 0; line < 300; line++) {
            for (int w = 0; w < 12; w++) {
                b.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            b.append(".\n");
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Starts the service on any free port, as a client deployment would, and waits for its port file. */
    private void start(Path jobs, int run) throws Exception {
        Path portFile = jobs.resolve(ServiceMain.PORT_FILE);
        Files.deleteIfExists(portFile);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx1g");
        cmd.addAll(JvmSettings.flags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServiceMain.class.getName(),
                "--port", "0", "--jobs-dir", jobs.toString(), "--model", MODEL.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("service-" + run + ".log").toFile());
        JvmSettings.environment().forEach(pb.environment()::putIfAbsent);
        pb.environment().put("OMP_NUM_THREADS", "2"); // the same threads in both runs: the same sums
        service = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(portFile)) {
            assertTrue(service.isAlive(), () -> "the service exited: " + log(run));
            assertTrue(System.nanoTime() < deadline, () -> "no port file after 60 s: " + log(run));
            Thread.sleep(50);
        }
        port = Integer.parseInt(Files.readString(portFile).trim());
    }

    private String log(int run) {
        try {
            return Files.readString(tmp.resolve("service-" + run + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Map<String, Object> poll(String id, Predicate<Map<String, Object>> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            Map<String, Object> job = get("/jobs/" + id);
            if (until.test(job)) {
                return job;
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting on " + job);
            Thread.sleep(50);
        }
    }

    private Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.parseObject(r.body());
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) {
        return (String) Json.parseObject(r.body()).get("error");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
