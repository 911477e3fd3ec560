package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decaf sweep} end to end on gpt2-tiny: a sweep killed mid-trial (every process, as a crashed
 * machine) and started again finishes with nothing lost and nothing run twice; two sweep processes
 * on one output directory (one of them a shard) run each trial once; their merged results equal the
 * killed-and-resumed sweep's to the bit; a failed trial is recorded, the sweep goes on, and
 * {@code --retry-failed} runs only it.
 */
class SweepCommandTest {

    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void files() throws IOException {
        StringBuilder text = new StringBuilder();
        SplittableRandom r = new SplittableRandom(5);
        String[] words = {"alpha", "beta", "gamma", "delta", "omega", "sigma"};
        for (int i = 0; i < 400; i++) {
            text.append(words[r.nextInt(words.length)]).append(' ').append(words[r.nextInt(words.length)]).append(".\n");
        }
        Files.writeString(tmp.resolve("train.txt"), text);
        Files.writeString(tmp.resolve("tiny.yaml"), """
                model: %s
                data:
                  train: train.txt
                  validation_fraction: 0.1
                optimizer:
                  name: adamw
                  lr: 3.0e-3
                  weight_decay: 0.1
                train:
                  steps: 24
                  batch_size: 4
                  seq_len: 32
                  log_every: 1
                  eval_every: 0
                  eval_batches: 2
                  checkpoint_every: 4
                out: runs/unused
                """.formatted(Path.of("../../models/gpt2-tiny.json").toAbsolutePath().normalize()));
    }

    private Path sweep(String name, String out, String grid) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, "base: tiny.yaml\ngrid:\n" + grid + "workers: 2\nout: " + out + "\n");
        return f;
    }

    private Process child(Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Decaf.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<Path> trialDirs(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.resolve("trials"))) {
            return s.sorted().toList();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** trial id → done.json (without the wall time, host and date, which differ run to run). */
    private static Map<String, JsonNode> results(Path out) throws IOException {
        Map<String, JsonNode> m = new HashMap<>();
        for (Path d : trialDirs(out)) {
            Path done = d.resolve("done.json");
            if (Files.exists(done)) {
                com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(done.toFile());
                n.remove(List.of("wall_s", "host", "finished_at", "generation"));
                m.put(d.getFileName().toString(), n);
            }
        }
        return m;
    }

    @Test
    void aKilledSweepFinishesWithNothingLostAndShardsAndConcurrentSweepsMergeIntoTheSameResults() throws Exception {
        String grid = "  optimizer.weight_decay: [0.0, 0.3]\nseeds: [0, 1]\n";
        Path a = sweep("a.yaml", "out-a", grid);
        Process p = child(tmp.resolve("a1.log"), "sweep", a.toString());
        Path outA = tmp.resolve("out-a");
        // wait for one trial done and another one checkpointed but not done: then crash everything
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        boolean ready = false;
        while (!ready && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            if (!Files.isDirectory(outA.resolve("trials"))) {
                continue;
            }
            boolean oneDone = false;
            boolean oneMidway = false;
            for (Path d : trialDirs(outA)) {
                boolean done = Files.exists(d.resolve("done.json"));
                oneDone |= done;
                Path ck = d.resolve("run/checkpoints");
                // a checkpoint before the last step: the trial has work left that must resume, not restart
                oneMidway |= !done && Files.isDirectory(ck) && names(ck).stream()
                        .anyMatch(n -> n.matches("step-\\d{8}") && Integer.parseInt(n.substring(5)) < 20);
            }
            ready = oneDone && oneMidway;
        }
        assertTrue(ready, "one trial done, one midway: " + Files.readString(tmp.resolve("a1.log")));
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
        Map<String, JsonNode> before = results(outA);
        Map<String, String> doneFiles = new HashMap<>();
        for (Path d : trialDirs(outA)) {
            if (Files.exists(d.resolve("done.json"))) {
                doneFiles.put(d.getFileName().toString(), Files.readString(d.resolve("done.json")));
            }
        }
        assertFalse(before.isEmpty());
        assertTrue(before.size() < 4, "killed before the end: " + before.keySet());

        DecafCliTest.Run again = FinetuneCommandTest.runCapturing("sweep", a.toString());
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("trials 4 done · 0 running · 0 failed · 0 left"), again.out());
        Map<String, JsonNode> after = results(outA);
        assertEquals(4, after.size());
        for (var e : doneFiles.entrySet()) {
            assertEquals(e.getValue(), Files.readString(outA.resolve("trials").resolve(e.getKey()).resolve("done.json")),
                    "a finished trial is never run again");
        }
        boolean resumed = false;
        for (Path d : trialDirs(outA)) {
            resumed |= Files.readString(d.resolve("log.txt")).contains(": resuming ");
        }
        assertTrue(resumed, "the trial killed midway resumed from its checkpoint");
        List<String> csv = Files.readAllLines(outA.resolve("results.csv"));
        assertEquals(5, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).startsWith("trial,status,optimizer.weight_decay,seed,lambda,tau_iter,tau_epoch,train_loss,"
                + "val_loss,grad_norm,wall_s"), csv.get(0));
        assertEquals(4, csv.stream().filter(l -> l.contains(",done,")).count(), String.join("\n", csv));

        // B: the same grid (so the same trial ids), by two sweep processes at once on one directory,
        // one of them shard 0/2 of it; then the report merges: the same numbers as A, to the bit
        Path b = sweep("b.yaml", "out-b", grid);
        Process whole = child(tmp.resolve("b-whole.log"), "sweep", b.toString(), "--workers", "1");
        Process shard = child(tmp.resolve("b-shard.log"), "sweep", b.toString(), "--workers", "1", "--shard", "0/2");
        assertTrue(whole.waitFor(300, TimeUnit.SECONDS) && shard.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, whole.exitValue(), Files.readString(tmp.resolve("b-whole.log")));
        assertEquals(0, shard.exitValue(), Files.readString(tmp.resolve("b-shard.log")));
        Path outB = tmp.resolve("out-b");
        for (Path d : trialDirs(outB)) {
            assertEquals(List.of("claim-1.json", "done.json", "log.txt", "run", "trial.json"), names(d),
                    "each trial claimed once and run once: " + d);
        }
        DecafCliTest.Run report = FinetuneCommandTest.runCapturing("sweep", "report", b.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains("4 of 4 trials done, 0 failed"), report.out());
        assertEquals(after, results(outB), "killed and resumed, or run by two processes: the same results");
        assertEquals(names(outA.resolve("trials")), names(outB.resolve("trials")));
    }

    @Test
    void aFailedTrialIsRecordedTheSweepGoesOnAndRetryRunsOnlyIt() throws Exception {
        Files.writeString(tmp.resolve("empty.txt"), "");
        Path s = sweep("f.yaml", "out-f", "  data.train: [train.txt, empty.txt]\n");
        DecafCliTest.Run first = FinetuneCommandTest.runCapturing("sweep", s.toString());
        assertEquals(1, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("1 done, 1 failed"), first.out());
        assertTrue(first.out().contains("--retry-failed"), first.out());
        Path out = tmp.resolve("out-f");
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(3, csv.size(), String.join("\n", csv));
        String failedRow = csv.stream().filter(l -> l.contains(",failed,")).findFirst().orElseThrow();
        assertTrue(failedRow.contains("empty.txt"), failedRow);
        Map<String, JsonNode> done = results(out);
        assertEquals(1, done.size());
        String goodId = done.keySet().iterator().next();
        String goodDone = Files.readString(out.resolve("trials").resolve(goodId).resolve("done.json"));

        DecafCliTest.Run plain = FinetuneCommandTest.runCapturing("sweep", s.toString());
        assertEquals(1, plain.code(), "without --retry-failed the failure stands");
        assertTrue(plain.out().contains("trials 1 done · 0 running · 1 failed · 0 left"), plain.out());

        Files.copy(tmp.resolve("train.txt"), tmp.resolve("empty.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        DecafCliTest.Run retry = FinetuneCommandTest.runCapturing("sweep", s.toString(), "--retry-failed");
        assertEquals(0, retry.code(), retry.out() + retry.err());
        assertEquals(2, results(out).size());
        assertEquals(goodDone, Files.readString(out.resolve("trials").resolve(goodId).resolve("done.json")),
                "only the failed trial ran again");
        assertEquals(1, retry.out().lines().filter(l -> l.contains(" done in ")).count(), retry.out());
    }

    @Test
    void badSweepFilesStopBeforeAnyTrialWithOneLineEach() throws Exception {
        Path s = sweep("bad.yaml", "out-bad", "  optimizer.wieght_decay: [0.1]\n  train.steps: []\n");
        DecafCliTest.Run r = DecafCliTest.run("sweep", s.toString());
        assertEquals(2, r.code());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).endsWith("bad.yaml:3: grid.optimizer.wieght_decay: not a recipe key (did you mean"
                + " 'optimizer.weight_decay'?)"), lines.get(0));
        assertTrue(lines.get(1).endsWith("bad.yaml:4: grid.train.steps: is empty: an axis needs at least one value"),
                lines.get(1));
        assertFalse(Files.exists(tmp.resolve("out-bad")), "nothing written");
    }

    @Test
    void submitWritesASlurmArrayAndAnIndexedJob() throws Exception {
        Path s = sweep("c.yaml", "out-c", "  optimizer.weight_decay: [0.0, 0.1, 0.2]\nseeds: [0, 1]\n");
        DecafCliTest.Run r = FinetuneCommandTest.runCapturing("sweep", "submit", "--slurm", s.toString(), "--tasks", "4",
                "--max-running", "2", "--sbatch=--time=1:00:00", "--dry-run");
        assertEquals(0, r.code(), r.err());
        Path script = tmp.resolve("out-c/cluster/sweep.sbatch");
        String text = Files.readString(script);
        assertTrue(text.contains("\n#SBATCH --array=0-3%2\n"), text);
        assertTrue(text.contains("\n#SBATCH --time=1:00:00\n"), text);
        assertTrue(text.contains(" sweep " + s + " --shard \"${SLURM_ARRAY_TASK_ID}/4\" --workers 1 --threads 1"), text);
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertEquals(0, bash.waitFor(), new String(bash.getInputStream().readAllBytes()));
        assertEquals(6, JSON.readTree(tmp.resolve("out-c/sweep.json").toFile()).get("trials").size());

        DecafCliTest.Run dry = FinetuneCommandTest.runCapturing("sweep", s.toString(), "--dry-run", "--shard", "1/4");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().startsWith("2 trials of ") && dry.out().contains("(shard 1/4 of 6)"), dry.out());
        assertEquals(List.of("2", "6"), dry.out().lines().skip(1).map(l -> l.strip().split("\\s+")[0]).toList(), dry.out());
        DecafCliTest.Run outside = FinetuneCommandTest.runCapturing("sweep", "submit", "--k8s", s.toString());
        assertEquals(2, outside.code(), "the pods could not see a sweep outside their mount");
        assertTrue(outside.err().contains("is outside"), outside.err());
        DecafCliTest.Run k = FinetuneCommandTest.runCapturing("sweep", "submit", "--k8s", s.toString(), "--tasks", "3",
                "--max-running", "2", "--work-dir", tmp.toString());
        assertEquals(0, k.code(), k.err());
        // no Kubernetes runs here: the manifest's structure is what can be checked
        Object doc = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                .loadFromString(Files.readString(tmp.resolve("out-c/cluster/sweep-job.yaml")));
        JsonNode job = JSON.valueToTree(doc);
        assertEquals("batch/v1", job.get("apiVersion").asText());
        assertEquals("Job", job.get("kind").asText());
        assertEquals("Indexed", job.at("/spec/completionMode").asText());
        assertEquals(3, job.at("/spec/completions").asInt());
        assertEquals(2, job.at("/spec/parallelism").asInt());
        assertEquals("Never", job.at("/spec/template/spec/restartPolicy").asText());
        JsonNode c = job.at("/spec/template/spec/containers/0");
        assertEquals(List.of("sweep", "c.yaml", "--shard", "3", "--workers", "1", "--threads", "1"),
                JSON.convertValue(c.get("args"), List.class));
        assertEquals(tmp.toString(), c.get("workingDir").asText());
        assertEquals(c.at("/volumeMounts/0/mountPath").asText(), c.get("workingDir").asText());
        DecafCliTest.Run tooMany = FinetuneCommandTest.runCapturing("sweep", "submit", "--slurm", s.toString(), "--tasks",
                "7", "--dry-run");
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("--tasks must be from 1 to the sweep's 6 trials, got 7"), tooMany.err());
        assertEquals("work", job.at("/spec/template/spec/volumes/0/name").asText());
    }
}
