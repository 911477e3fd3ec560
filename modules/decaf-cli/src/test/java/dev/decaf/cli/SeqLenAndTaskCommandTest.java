package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the CLI on {@code decaf init}'s gpt2-tiny (64 positions; its byte-level tokenizer makes
 * one token of each ASCII character, so lengths are byte counts): a recipe without {@code
 * train.seq_len} gets the longest example's positions (its tokens with the end-of-text, minus one),
 * capped at the model's, says so on one line, writes it into {@code recipe.yaml} and resumes;
 * {@code recipes validate} reports the same choice; the task metric is scored on the examples
 * {@code data.validation_fraction} holds out; and {@code skip_bad_lines} skips a line over 8 MiB.
 */
class SeqLenAndTaskCommandTest {

    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void tinyModel() {
        model = DecafCliTest.initTinyModel(tmp.resolve("tiny"), 6);
    }

    private static String pc(String prompt, String completion) {
        return "{\"prompt\": \"" + prompt + "\", \"completion\": \"" + completion + "\"}";
    }

    private static Path recipe(String name, String data, String extra) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), "model: " + model + "\ndata:\n" + data + "\n"
                + "optimizer:\n  name: adamw\n  lr: 1.0e-2\n  weight_decay: 0.0\n"
                + "train:\n  steps: 2\n  batch_size: 4\n  log_every: 1\n  eval_every: 0\n  checkpoint_every: 0\n"
                + extra + "out: " + tmp.resolve("runs/" + name) + "\n");
    }

    private static JsonNode lastJson(DecafCliTest.Run r) throws IOException {
        return new ObjectMapper().readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void withoutSeqLenTheLongestExampleChoosesItAndTheRunResumes() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add(pc("q" + i + ":", " a" + i)); // at most 4 + 3 + 1 = 8 tokens
        }
        lines.add(pc("long:", " abcdefghijklmnopqrst")); // 5 + 21 + 1 = 27 tokens: 26 positions
        Path data = Files.write(tmp.resolve("fit.jsonl"), lines);
        Path r = recipe("fit", "  train: " + data + "\n  validation_fraction: 0.25", "");
        String line = "seq_len: 26 (the longest example: 27 tokens with its end-of-text; the model has 64 positions)";

        DecafCliTest.Run validate = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(0, validate.code(), validate.err());
        assertTrue(validate.out().contains("note: " + r + ": train." + line + "\n"), validate.out());
        // rows of 26 positions as finetune packs them: [6 6 6 6] [6 6 6 6] [6 6 8] [8] [26]
        assertTrue(validate.out().contains(", 13 examples, 115 tokens, longest 27 tokens (line 13), 0 overlong,"
                + " 5 samples\n"), validate.out());

        DecafCliTest.Run run = FinetuneCommandTest.runCapturing("finetune", r.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        assertEquals(1, run.out().lines().filter(line::equals).count(), run.out());
        assertTrue(run.out().contains("2 steps of 4 x 1 x 26 tokens"), run.out());
        assertFalse(run.out().contains("truncated"), run.out());
        Path out = tmp.resolve("runs/fit");
        assertTrue(Files.readString(out.resolve("recipe.yaml")).contains("\n  seq_len: 26\n"));

        // the checkpoint's hash is the resolved recipe's: --resume reads recipe.yaml back and accepts it
        DecafCliTest.Run again = FinetuneCommandTest.runCapturing("finetune", "--resume", out.toString(), "--json");
        assertEquals(0, again.code(), again.err());
        assertFalse(again.out().contains("seq_len: 26 ("), "the length is the recipe's now: " + again.out());
        assertEquals(2, lastJson(again).get("steps").asInt());
        assertEquals(lastJson(run).get("val_loss_after").asDouble(), lastJson(again).get("val_loss_after").asDouble(),
                1e-6);

        // an example longer than the model's 64 positions: seq_len 64, and data.overlong truncates it
        Files.writeString(data, pc("long:", "x".repeat(80)) + "\n", StandardOpenOption.APPEND);
        DecafCliTest.Run capped = FinetuneCommandTest.runCapturing("finetune", r.toString(), "--out",
                tmp.resolve("runs/capped").toString());
        assertEquals(0, capped.code(), capped.err());
        assertTrue(capped.out().contains("seq_len: 64 (the model's max_position_embeddings; longer examples follow"
                + " data.overlong: truncate)\n"), capped.out());
        assertTrue(capped.out().contains("truncated 1 of 14 examples longer than seq_len + 1 = 65 tokens"), capped.out());
        assertTrue(Files.readString(tmp.resolve("runs/capped/recipe.yaml")).contains("\n  seq_len: 64\n"));
    }

    @Test
    void theTaskIsScoredOnTheHeldOutExamples() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            lines.add(pc("q" + i + ":", " yes")); // one answer for every prompt: learnt in a few steps
        }
        Path data = Files.write(tmp.resolve("task.jsonl"), lines);
        Path r = recipe("task", "  train: " + data + "\n  validation_fraction: 0.25", "  seq_len: 16\ntask: answer\n");
        Files.writeString(r, Files.readString(r).replace("  steps: 2\n", "  steps: 30\n"));
        DecafCliTest.Run run = FinetuneCommandTest.runCapturing("finetune", r.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        // round(0.25 × 24) = 6 held-out examples, each scored
        assertTrue(run.out().contains("task 'answer': exact match of greedy answers to 6 held-out prompts ...\n"), run.out());
        JsonNode j = lastJson(run);
        double before = j.get("task_accuracy_before").asDouble();
        double after = j.get("task_accuracy_after").asDouble();
        assertTrue(run.out().contains(String.format(Locale.ROOT, "task 'answer' exact match on 6 held-out prompts: %.1f%%"
                + " before, %.1f%% after\n", 100 * before, 100 * after)), run.out());
        assertEquals(0.0, before, "a random model does not answer ' yes' and stop");
        assertEquals(1.0, after, "every held-out prompt answered ' yes': " + run.out());
        // the samples are the held-out prompts: none of them is trained on, all are lines of the file
        List<String> samples = run.out().lines().filter(l -> l.startsWith("sample: ")).toList();
        assertEquals(3, samples.size(), run.out());
        for (String s : samples) {
            String prompt = s.substring("sample: ".length(), s.indexOf('|'));
            assertTrue(lines.contains(pc(prompt, " yes")), s);
        }

        // text data has no prompts to hold out: a one-line error before any work
        Path txt = Files.writeString(tmp.resolve("book.txt"), "abc ".repeat(200));
        Path t = recipe("text", "  train: " + txt + "\n  validation_fraction: 0.25", "  seq_len: 16\ntask: answer\n");
        DecafCliTest.Run text = FinetuneCommandTest.runCapturing("finetune", t.toString());
        assertEquals(2, text.code(), text.out());
        assertTrue(text.err().contains("task: 'answer' needs prompt/completion validation examples"), text.err());
        assertFalse(Files.exists(tmp.resolve("runs/text")));
    }

    @Test
    void skipBadLinesSkipsALineOverEightMebibytes() throws IOException {
        Path data = tmp.resolve("huge.jsonl");
        byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream o = Files.newOutputStream(data)) {
            for (int i = 0; i < 8; i++) {
                o.write((pc("q" + i + ":", " a" + i) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            o.write("{\"prompt\": \"".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 144; i++) { // 9 MiB
                o.write(chunk);
            }
            o.write("\", \"completion\": \" y\"}\n".getBytes(StandardCharsets.UTF_8));
            o.write((pc("q8:", " a8") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        long bytes = 144L * (1 << 16) + "{\"prompt\": \"\", \"completion\": \" y\"}".length();
        String problem = data + ":9: line is " + String.format(Locale.ROOT, "%,d", bytes)
                + " bytes, more than the limit of 8,388,608";
        Path r = recipe("huge", "  train: " + data + "\n  validation_fraction: 0.2\n  skip_bad_lines: true",
                "  seq_len: 16\n");
        DecafCliTest.Run skip = FinetuneCommandTest.runCapturing("finetune", r.toString());
        assertEquals(0, skip.code(), skip.err());
        assertTrue(skip.out().contains("warning: " + data + ": skipped 1 bad line\n"), skip.out());
        assertTrue(skip.out().contains("warning: " + problem + "\n"), skip.out());
        assertTrue(skip.out().contains("documents=9 "), "the other 9 lines are read: " + skip.out());

        Path strict = recipe("strict", "  train: " + data + "\n  validation_fraction: 0.2", "  seq_len: 16\n");
        DecafCliTest.Run error = FinetuneCommandTest.runCapturing("finetune", strict.toString());
        assertEquals(2, error.code(), error.out());
        assertEquals("decaf: " + problem + " (--verbose shows the stack trace)",
                error.err().strip().lines().reduce((a, b) -> b).orElseThrow(), "one line, after the log");
        assertFalse(error.err().contains("Exception"), error.err());
    }
}
