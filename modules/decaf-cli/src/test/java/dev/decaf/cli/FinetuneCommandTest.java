package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.train.metrics.FinalValidation;
import dev.decaf.train.metrics.MetricsLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI end to end on a tiny GPT-2: a run writes its recipe, metrics, checkpoints, model and
 * plot; a run killed with SIGKILL resumes from its last intact checkpoint (a damaged newer one is
 * skipped) with exactly the losses of an uninterrupted run; SIGTERM checkpoints and stops; bad
 * recipes and bad data are one-line errors with exit code 2 and leave no output directory.
 */
class FinetuneCommandTest {

    @TempDir
    Path tmp;

    Path recipe;

    @BeforeEach
    void writeRecipe() throws IOException {
        StringBuilder text = new StringBuilder();
        SplittableRandom r = new SplittableRandom(5);
        String[] words = {"alpha", "beta", "gamma", "delta", "omega", "sigma"};
        for (int i = 0; i < 400; i++) {
            text.append(words[r.nextInt(words.length)]).append(' ').append(words[r.nextInt(words.length)]).append(".\n");
        }
        Files.writeString(tmp.resolve("train.txt"), text);
        recipe = tmp.resolve("tiny.yaml");
        Files.writeString(recipe, """
                # a tiny run for tests
                model: %s
                data:
                  train: train.txt
                  validation_fraction: 0.1
                optimizer:
                  name: adamw
                  lr: 3.0e-3
                  weight_decay: 0.1
                schedule:
                  warmup_steps: 2
                  decay: cosine
                train:
                  steps: 30
                  batch_size: 4
                  seq_len: 32
                  seed: 3
                  log_every: 1
                  eval_every: 10
                  eval_batches: 2
                  checkpoint_every: 3
                  keep_checkpoints: 3
                out: %s
                """.formatted(Path.of("../../models/gpt2-tiny.json").toAbsolutePath().normalize(), tmp.resolve("out")));
    }

    static List<Double> losses(Path out) throws IOException {
        List<Double> l = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.has("loss")) {
                assertEquals(l.size() + 1, n.get("step").asInt(), "one metrics line per step, in order: " + line);
                l.add(n.get("loss").asDouble());
            }
        }
        return l;
    }

    Process child(Path out, String... extra) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Decaf.class.getName(), "finetune", recipe.toString(),
                "--out", out.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    }

    static void awaitFile(Path p, Process proc) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(p) && proc.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.exists(p), "waiting for " + p);
    }

    @Test
    void runWritesEverythingAndAKilledRunResumesWithTheSameLosses() throws Exception {
        // both runs in fresh processes, as a user runs them
        Path a = tmp.resolve("a");
        Process full = child(a);
        assertTrue(full.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, full.exitValue(), Files.readString(tmp.resolve("child.log")));
        for (String f : new String[] {"recipe.yaml", "metrics.jsonl", "loss.png", "model/config.json",
            "model/model.safetensors", "model/tokenizer.json", "checkpoints/step-00000030/trainer_state.json"}) {
            assertTrue(Files.exists(a.resolve(f)), f);
        }
        List<Double> straight = losses(a);
        assertEquals(30, straight.size());
        // a model made from a config: the trained tokenizer's <|endoftext|> is in every saved directory
        int eos;
        try (dev.decaf.text.tokenizer.TextTokenizer t = dev.decaf.text.tokenizer.TextTokenizer.load(a.resolve("tokenizer"))) {
            eos = t.eosId();
        }
        ModelFilesTest.assertHuggingFaceFiles(a.resolve("model"), eos, 64);
        ModelFilesTest.assertHuggingFaceFiles(a.resolve("checkpoints/step-00000030"), eos, 64);
        assertTrue(straight.get(29) < straight.get(0), "it learns: " + straight);

        Path b = tmp.resolve("b");
        Process p = child(b);
        awaitFile(b.resolve("checkpoints/step-00000006"), p);
        p.destroyForcibly().waitFor(); // SIGKILL, possibly in the middle of writing step 9
        assertTrue(losses(b).size() < 30, "killed before the end");
        // a damaged newer checkpoint, as a crash in the middle of a non-atomic write would leave
        Path damaged = b.resolve("checkpoints/step-00000029");
        Files.createDirectories(damaged);
        try (Stream<Path> s = Files.list(b.resolve("checkpoints/step-00000006"))) {
            for (Path f : s.toList()) {
                Files.copy(f, damaged.resolve(f.getFileName()));
            }
        }
        try (FileChannel ch = FileChannel.open(damaged.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        List<Double> beforeResume = losses(b);
        List<String> names = checkpointNames(b);
        DecafCliTest.Run resumed = DecafCliTest.run("finetune", "--resume", b.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(straight, losses(b), "resumed losses equal the uninterrupted run's; the killed run had logged "
                + beforeResume.size() + " steps; checkpoints " + names);
    }

    /** Runs decaf in this JVM, with System.out and System.err (the run's console and log) captured too. */
    static DecafCliTest.Run runCapturing(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DecafCliTest.Run r;
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            r = DecafCliTest.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new DecafCliTest.Run(r.code(), console.toString(StandardCharsets.UTF_8) + r.out(),
                log.toString(StandardCharsets.UTF_8) + r.err());
    }

    static long finalValidationLines(Path run) throws IOException {
        return MetricsLog.read(run.resolve(MetricsLog.FILE_NAME)).stream()
                .filter(FinalValidation::isFinalValidation).count();
    }

    @Test
    void jsonOutcomeSkippedLinesWarnedOnceAndResumingAFinishedRunAddsNoValidationLine() throws Exception {
        Path model = DecafCliTest.initTinyModel(tmp.resolve("model"), 2);
        StringBuilder lines = new StringBuilder();
        SplittableRandom rnd = new SplittableRandom(8);
        for (int i = 0; i < 200; i++) {
            lines.append("{\"text\": \"alpha beta ").append(rnd.nextInt(1000)).append(" gamma.\"}\n");
        }
        lines.append("{broken\n").append("{\"text\": 3}\n");
        Files.writeString(tmp.resolve("bad.jsonl"), lines);
        Path out = tmp.resolve("json-run");
        Path r = tmp.resolve("skip.yaml");
        Files.writeString(r, """
                model: %s
                data:
                  train: bad.jsonl
                  validation_fraction: 0.1
                  skip_bad_lines: true
                train:
                  steps: 4
                  batch_size: 2
                  seq_len: 16
                  eval_every: 2
                  eval_batches: 1
                  checkpoint_every: 2
                out: %s
                """.formatted(model, out));

        DecafCliTest.Run run = runCapturing("finetune", r.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        String all = run.out() + run.err();
        assertEquals(1, all.lines().filter(l -> l.contains("bad.jsonl:201:")).count(), "warned once: " + all);
        assertEquals(1, all.lines().filter(l -> l.contains("bad.jsonl:202:")).count(), "warned once: " + all);
        String last = run.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode j = new ObjectMapper().readTree(last);
        assertEquals(List.of("val_loss_before", "val_loss_after", "task_accuracy_before", "task_accuracy_after", "steps",
                "out", "interrupted", "best_step", "best_val_loss", "model_step", "early_stopped"),
                List.copyOf(iterable(j.fieldNames())), last);
        assertTrue(j.get("val_loss_before").isNumber() && j.get("val_loss_after").isNumber(), last);
        assertTrue(j.get("task_accuracy_before").isNull() && j.get("task_accuracy_after").isNull(), "no task: " + last);
        assertEquals(4, j.get("steps").asInt());
        assertEquals(out.toString(), j.get("out").asText());
        assertFalse(j.get("interrupted").asBoolean());
        assertEquals(4, j.get("model_step").asInt(), "no keep_best: model/ is the last step");
        assertFalse(j.get("early_stopped").asBoolean());
        assertEquals(1, finalValidationLines(out));

        DecafCliTest.Run again = runCapturing("finetune", "--resume", out.toString(), "--json");
        assertEquals(0, again.code(), again.err());
        assertEquals(4, losses(out).size(), "no step trained again");
        assertEquals(1, finalValidationLines(out), "one final val_loss line after resuming a finished run");
        JsonNode k = new ObjectMapper().readTree(again.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(4, k.get("steps").asInt());
        assertEquals(j.get("val_loss_after").asDouble(), k.get("val_loss_after").asDouble(), 1e-6);
    }

    @Test
    void threadsReachLibtorchAndTheOptimizerAreLoggedAndMayChangeOnResume() throws Exception {
        Path model = DecafCliTest.initTinyModel(tmp.resolve("model"), 2);
        Path out = tmp.resolve("threads-run");
        Path r = tmp.resolve("threads.yaml");
        Files.writeString(r, Files.readString(recipe).replaceFirst("model: .*", "model: " + model)
                .replace("  steps: 30", "  steps: 4").replace("  eval_every: 10", "  eval_every: 0")
                .replaceFirst("out: .*", "out: " + out));
        int before = JniUtils.getNumThreads();
        try {
            DecafCliTest.Run one = runCapturing("finetune", r.toString(), "--threads", "1", "--set", "train.steps=3");
            assertEquals(0, one.code(), one.err());
            assertEquals(1, JniUtils.getNumThreads(), "torch.get_num_threads() after --threads 1");
            List<String> lines = one.out().lines().filter(l -> l.startsWith("threads: ")).toList();
            assertEquals(1, lines.size(), one.out());
            assertTrue(lines.get(0).startsWith("threads: 1 intra-op (requested), 1 inter-op, optimizer kernel 1, "),
                    lines.get(0));
            assertTrue(Files.readString(out.resolve("recipe.yaml")).contains("\n  threads: 1\n"));

            // the hash leaves train.threads out, so the run may continue on other threads
            DecafCliTest.Run two = runCapturing("finetune", "--resume", out.toString(), "--threads", "2");
            assertEquals(0, two.code(), two.err());
            assertEquals(2, JniUtils.getNumThreads());
            assertTrue(two.out().contains("threads: 2 intra-op (requested), 1 inter-op, optimizer kernel 2, "),
                    two.out());

            DecafCliTest.Run bad = DecafCliTest.run("finetune", r.toString(), "--threads", "-1");
            assertEquals(2, bad.code());
            assertTrue(bad.err().startsWith("decaf: --threads must be >= 0 (0: automatic), got -1"), bad.err());
            assertEquals(1, bad.err().strip().lines().count(), bad.err());
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    static List<String> checkpointNames(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void sigtermWritesACheckpointAndStops() throws Exception {
        Path c = tmp.resolve("c");
        Process p = child(c, "--set", "train.steps=100000", "--set", "train.checkpoint_every=1000");
        awaitFile(c.resolve("metrics.jsonl"), p);
        while (losses(c).size() < 3 && p.isAlive()) {
            Thread.sleep(5);
        }
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        List<Path> checkpoints;
        try (Stream<Path> s = Files.list(c.resolve("checkpoints"))) {
            checkpoints = s.toList();
        }
        assertEquals(1, checkpoints.size(), "one checkpoint, written on the way out, no temporary leftovers: " + checkpoints);
        JsonNode state = new ObjectMapper().readTree(checkpoints.get(0).resolve("trainer_state.json").toFile());
        assertEquals(losses(c).size(), state.get("step").asInt(), "the checkpoint is at the last logged step");
        assertTrue(Files.readString(tmp.resolve("child.log")).contains("continue with: ./decaf finetune --resume"));
    }

    @Test
    void badRecipesAndBadDataAreOneLineErrorsAndLeaveNoOutput() throws Exception {
        String text = Files.readString(recipe).replace("  steps: 30", "  stpes: 30");
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, text);
        DecafCliTest.Run r = DecafCliTest.run("finetune", bad.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.yaml:14: train.stpes: unknown key 'stpes' (did you mean 'steps'?)"), r.err());
        assertFalse(Files.exists(tmp.resolve("x")));

        Files.writeString(tmp.resolve("train.jsonl"), "{\"text\": \"fine\"}\n{\"text\": broken\n");
        Path jsonl = tmp.resolve("jsonl.yaml");
        Files.writeString(jsonl, Files.readString(recipe).replace("train: train.txt", "train: train.jsonl"));
        DecafCliTest.Run d = DecafCliTest.run("finetune", jsonl.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(2, d.code(), d.err());
        assertTrue(d.err().contains("train.jsonl:2: not valid JSON"), d.err());
        assertEquals(1, d.err().strip().lines().count(), d.err());
        assertFalse(Files.exists(tmp.resolve("y")), "no partial output directory");

        Path emptyModel = Files.createDirectories(tmp.resolve("not-a-model"));
        Path badModel = tmp.resolve("model.yaml");
        Files.writeString(badModel, Files.readString(recipe).replaceFirst("model: .*", "model: " + emptyModel));
        DecafCliTest.Run m = DecafCliTest.run("finetune", badModel.toString(), "--out", tmp.resolve("z").toString());
        assertEquals(2, m.code(), m.err());
        assertTrue(m.err().contains("not-a-model"), m.err());
        assertEquals(1, m.err().strip().lines().count(), m.err());
        assertFalse(Files.exists(tmp.resolve("z")), "no partial output directory");

        DecafCliTest.Run again = DecafCliTest.run("finetune", "--resume", tmp.resolve("nothing").toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("no recipe.yaml (not a decaf run)"), again.err());
    }
}
