package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.models.checkpoint.ModelDirectory;
import dev.decaf.models.infer.Evaluator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code decaf eval} on a model made by {@code decaf init} (gpt2-tiny: vocab 512, 64 positions, byte-level tokenizer). */
class EvalCommandTest {

    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void init() {
        model = DecafCliTest.initTinyModel(tmp.resolve("tiny"), 3);
    }

    @Test
    void jsonLastLineIsTheLossOverInputIdsSequences() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        List<int[]> seqs = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int n : new int[] {12, 2, 40, 65, 7}) {
            int[] s = rnd.ints(n, 0, 512).toArray();
            seqs.add(s);
            lines.add("{\"input_ids\": " + Arrays.toString(s) + "}");
        }
        Path data = Files.write(tmp.resolve("ids.jsonl"), lines);
        DecafCliTest.Run r = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(), "--json",
                "--batch-size", "2", "--engine", "djl");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().isEmpty(), r.err());
        List<String> out = r.out().lines().toList();
        String last = out.get(out.size() - 1);
        assertTrue(last.matches("\\{\"loss\": [0-9.Ee-]+, \"perplexity\": [0-9.Ee-]+, \"tokens\": 121}"), last);
        JsonNode j = new ObjectMapper().readTree(last);
        assertEquals(11 + 1 + 39 + 64 + 6, j.get("tokens").asLong());
        assertEquals(Math.exp(j.get("loss").asDouble()), j.get("perplexity").asDouble(), 1e-9);
        try (NDManager manager = NDManager.newBaseManager()) {
            var loaded = ModelDirectory.load(model, manager);
            Evaluator.Result direct = new Evaluator(loaded.model(), manager).evaluateSequences(seqs, 1);
            assertEquals(direct.loss(), j.get("loss").asDouble(), 1e-5, "padding and batching do not change it");
        }
        assertTrue(Math.abs(j.get("loss").asDouble() - Math.log(512)) < 0.5, "a random model is near ln V: " + last);
        assertTrue(r.out().contains("loss ") && r.out().contains("perplexity ") && r.out().contains("tokens "), r.out());

        DecafCliTest.Run plain = InferCli.run("eval", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, plain.code(), plain.err());
        assertTrue(!plain.out().contains("{"), "no JSON without --json: " + plain.out());
    }

    @Test
    void threadsReachLibtorchAndLeaveTheLossAlone() throws Exception {
        Path data = Files.writeString(tmp.resolve("threads.txt"), "Weight decay done right, on the JVM.\n".repeat(20));
        int before = JniUtils.getNumThreads();
        try {
            double[] loss = new double[2];
            for (int n : new int[] {1, 2}) {
                DecafCliTest.Run r = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(),
                        "--json", "--threads", Integer.toString(n));
                assertEquals(0, r.code(), r.err());
                assertEquals(n, JniUtils.getNumThreads(), "torch.get_num_threads() after --threads " + n);
                loss[n - 1] = new ObjectMapper().readTree(r.out().lines().reduce((a, b) -> b).orElseThrow())
                        .get("loss").asDouble();
            }
            assertEquals(loss[0], loss[1], 1e-5, "threads change the speed, not the loss");
            DecafCliTest.Run g = InferCli.run("generate", "--model", model.toString(), "--prompt", "Weight",
                    "--max-tokens", "2", "--threads", "1");
            assertEquals(0, g.code(), g.err());
            assertEquals(1, JniUtils.getNumThreads());
            DecafCliTest.Run bad = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(),
                    "--threads", "-2");
            assertEquals(2, bad.code());
            assertTrue(bad.err().startsWith("decaf: --threads must be >= 0 (0: automatic), got -2"), bad.err());
            assertEquals(1, bad.err().strip().lines().count(), bad.err());
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    @Test
    void textIsPackedWithTheModelsTokenizer() throws Exception {
        Path data = Files.writeString(tmp.resolve("corpus.txt"), "Weight decay done right, on the JVM.\n".repeat(20));
        DecafCliTest.Run r = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(), "--json",
                "--seq-len", "31");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("packed into blocks of 32 tokens"), r.out());
        JsonNode j = new ObjectMapper().readTree(r.out().lines().reduce((a, b) -> b).orElseThrow());
        // 20 × 37 bytes + 1 end-of-text = 741 tokens → 23 blocks of 32, 31 predicted positions each
        assertEquals(23 * 31, j.get("tokens").asLong());

        DecafCliTest.Run longest = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(),
                "--seq-len", "64"); // the model's 64 positions, as train.seq_len allows
        assertEquals(0, longest.code(), longest.err());
        assertTrue(longest.out().contains("packed into blocks of 65 tokens"), longest.out());
    }

    @Test
    void aSeqLenBeyondTheModelsPositionsIsRefusedNotCapped() throws Exception {
        Path data = Files.writeString(tmp.resolve("long.txt"), "Weight decay done right, on the JVM.\n".repeat(20));
        DecafCliTest.Run r = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(),
                "--seq-len", "500", "--json");
        assertEquals(2, r.code(), r.out());
        assertEquals("decaf: --seq-len 500 is longer than " + model + " allows: its 64 positions take blocks of at most"
                + " 64 + 1 tokens (use --seq-len 64 or less) (--verbose shows the stack trace)", r.err().strip());
        assertTrue(r.out().isEmpty(), "no loss at another context: " + r.out());
    }

    @Test
    void theDataIsNotLabelledTrainingData() throws Exception {
        Path data = Files.writeString(tmp.resolve("label.txt"), "Held-out text, not training data.\n".repeat(30));
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DecafCliTest.Run r;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            r = InferCli.run("eval", "--model", model.toString(), "--data", data.toString());
        } finally {
            System.setErr(stderr);
        }
        assertEquals(0, r.code(), r.err());
        String all = r.out() + r.err() + log.toString(StandardCharsets.UTF_8);
        assertTrue(all.contains("samples="), "the sizes are logged: " + all);
        assertTrue(!all.contains("train=") && !all.contains("validation="), "eval data is no split: " + all);
    }

    @Test
    void badInputIsAOneLineErrorWithExitTwo() throws Exception {
        Path good = Files.writeString(tmp.resolve("good.jsonl"), "{\"input_ids\": [1, 2, 3]}\n");
        DecafCliTest.Run engine = InferCli.run("eval", "--model", model.toString(), "--data", good.toString(),
                "--engine", "tensorflow");
        assertEquals(2, engine.code());
        assertEquals("decaf: --engine must be djl or onnx, got 'tensorflow'"
                + " (--verbose shows the stack trace)", engine.err().strip());

        DecafCliTest.Run noModel = InferCli.run("eval", "--model", tmp.resolve("nope").toString(), "--data", good.toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("nope: no such directory"), noModel.err());

        DecafCliTest.Run noData = InferCli.run("eval", "--model", model.toString(), "--data", tmp.resolve("x.jsonl").toString());
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("x.jsonl: no such file"), noData.err());

        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"input_ids\": [1, 2, 3]}\n{\"input_ids\": [1, 600]}\n");
        DecafCliTest.Run badLine = InferCli.run("eval", "--model", model.toString(), "--data", bad.toString());
        assertEquals(2, badLine.code());
        assertEquals(1, badLine.err().strip().lines().count(), badLine.err());
        assertTrue(badLine.err().contains("bad.jsonl:2: input_ids[1] = 600 is outside the vocabulary [0, 512)"),
                badLine.err());

        DecafCliTest.Run batch = InferCli.run("eval", "--model", model.toString(), "--data", good.toString(),
                "--batch-size", "0");
        assertEquals(2, batch.code());
        assertTrue(batch.err().contains("--batch-size must be >= 1, got 0"), batch.err());

        DecafCliTest.Run seq = InferCli.run("eval", "--model", model.toString(), "--data", good.toString(),
                "--seq-len", "many");
        assertEquals(2, seq.code());
        assertTrue(seq.err().contains("'many'"), seq.err());

        Path noTok = tmp.resolve("no-tokenizer");
        Files.createDirectories(noTok);
        Files.copy(model.resolve("config.json"), noTok.resolve("config.json"));
        Files.copy(model.resolve("model.safetensors"), noTok.resolve("model.safetensors"));
        Path text = Files.writeString(tmp.resolve("t.txt"), "hello\n");
        DecafCliTest.Run tok = InferCli.run("eval", "--model", noTok.toString(), "--data", text.toString());
        assertEquals(2, tok.code());
        assertTrue(tok.err().contains("tokenizer.json: no such file"), tok.err());
        DecafCliTest.Run idsOnly = InferCli.run("eval", "--model", noTok.toString(), "--data", good.toString());
        assertEquals(0, idsOnly.code(), "input_ids need no tokenizer: " + idsOnly.err());

        DecafCliTest.Run help = InferCli.run("eval", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("./decaf eval --model"), help.out());
    }
}
