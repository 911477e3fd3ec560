package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.decaf.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decaf recipes validate} on a tiny GPT-2 (64 positions, vocabulary 512, a byte-level
 * tokenizer of 257 tokens: an ASCII character is one token), so every count below is the byte
 * count of the data plus one end-of-text per example.
 */
class RecipesValidateCommandTest {

    @TempDir
    static Path shared;

    static Path model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tinyModel() {
        model = DecafCliTest.initTinyModel(shared.resolve("tiny"), 3);
    }

    /** A recipe on the tiny model with a data section and extra lines (train: is given, seq_len default 8). */
    private Path recipe(String data, String extra) throws IOException {
        return Files.writeString(tmp.resolve("r.yaml"), "model: " + model + "\ndata:\n" + data + "\n" + extra
                + (extra.contains("train:") ? "" : "train:\n  steps: 10\n  seq_len: 8\n") + "out: runs/x\n");
    }

    private Path jsonl(String name, String... lines) throws IOException {
        return Files.writeString(tmp.resolve(name), String.join("\n", lines) + (lines.length == 0 ? "" : "\n"));
    }

    private static String pc(String prompt, String completion) {
        return "{\"prompt\": \"" + prompt + "\", \"completion\": \"" + completion + "\"}";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(DecafCliTest.Run r) {
        assertEquals(1, r.out().strip().lines().count(), r.out());
        return (Map<String, Object>) Json.parse(r.out());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> report, String key) {
        return (List<Map<String, Object>>) report.get(key);
    }

    @Test
    void everyProblemIsReportedAtOnceAndExitsTwo() throws IOException {
        String long46 = pc("Q: " + "k".repeat(40), " v"); // 43 + 2 + 1 tokens
        jsonl("train.jsonl", pc("Q: a", " b"), "{\"prompt\": \"Q: c\", ", pc("Q: d", " e"), long46, long46, long46);
        jsonl("val.jsonl");
        Path r = recipe("  train: train.jsonl\n  validation: val.jsonl",
                "optimizer:\n  groups:\n    - name: attn\n      match: {name_glob: \"*.self_attn.*\"}\n"
                        + "train:\n  steps: 10\n  seq_len: 128\n");
        DecafCliTest.Run run = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(2, run.code(), run.out() + run.err());
        List<String> err = run.err().lines().toList();
        assertEquals(List.of(
                r + ": train.seq_len 128 exceeds the model's 64 positions (" + model + ")",
                r + ": optimizer.groups: group 'attn' (name~*.self_attn.*) matches no parameter; closest parameter names"
                        + " contain 'c_attn': transformer.h.0.attn.c_attn.weight, transformer.h.0.attn.c_attn.bias,"
                        + " transformer.h.1.attn.c_attn.weight and 1 more (decaf groups --names lists every parameter; in code, ParamGroups.describeParameters())"),
                err.subList(0, 2));
        assertTrue(err.get(2).startsWith(tmp.resolve("train.jsonl") + ":2: not valid JSON ("), err.get(2));
        assertEquals(tmp.resolve("val.jsonl") + ": no data", err.get(3));
        assertEquals("decaf: " + r + ": 4 errors, 0 warnings", err.get(4));
        assertEquals(5, err.size(), run.err());
        assertFalse(run.out().contains(": ok"), run.out());
        assertFalse(run.err().contains("Exception"), run.err());

        DecafCliTest.Run j = DecafCliTest.run("recipes", "validate", r.toString(), "--json");
        assertEquals(2, j.code(), j.err());
        assertEquals("", j.err());
        Map<String, Object> report = json(j);
        assertEquals(false, report.get("ok"));
        List<Map<String, Object>> errors = list(report, "errors");
        assertEquals(List.of("seq-len", "groups", "malformed-json", "empty-data"), errors.stream().map(e -> e.get("kind")).toList());
        assertEquals(2L, errors.get(2).get("line"));
        assertEquals(tmp.resolve("train.jsonl").toString(), errors.get(2).get("file"));
        assertEquals(tmp.resolve("val.jsonl").toString(), errors.get(3).get("file"));
        assertEquals(null, errors.get(3).get("line"));
        assertEquals(List.of(), report.get("warnings"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> data = (Map<String, Map<String, Object>>) report.get("data");
        // two examples of 4 + 2 + 1 tokens and three of 46, packed whole into rows of 128 positions:
        // [6 + 6 + 45 + 45], [45]
        assertEquals(Map.of("malformed-json", 1L), data.get("train").get("problems"));
        assertEquals(14L + 3 * 46, data.get("train").get("tokens"));
        assertEquals(2L, data.get("train").get("samples"));
        assertEquals(0L, data.get("validation").get("examples"));
    }

    @Test
    void aGoodRecipeIsOkWithWhatTheDataHolds() throws IOException {
        jsonl("train.jsonl", pc("Q: a", " b"), pc("Q: cc", " d"), "", pc("Q: e", " fff"));
        Path r = recipe("  train: train.jsonl\n  validation_fraction: 0.3", "");
        DecafCliTest.Run run = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        // 7 + 8 + 9 = 24 tokens; whole examples of 6, 7 and 8 positions in rows of 8: 3 samples
        assertEquals(List.of("data.train: " + tmp.resolve("train.jsonl") + ": prompt-completion, 4 lines, 3 examples,"
                + " 24 tokens, longest 9 tokens (line 4), 0 overlong, 3 samples", r + ": ok"), run.out().lines().toList());

        Map<String, Object> report = json(DecafCliTest.run("recipes", "validate", r.toString(), "--json"));
        assertEquals(true, report.get("ok"));
        assertEquals(List.of(), report.get("errors"));
        @SuppressWarnings("unchecked")
        Map<String, Object> train = ((Map<String, Map<String, Object>>) report.get("data")).get("train");
        assertEquals(24L, train.get("tokens"));
        assertEquals(9L, train.get("longest"));
        assertEquals(4L, train.get("longest_line"));
        assertEquals(3L, train.get("samples"));
        assertEquals("prompt-completion", train.get("format"));

        // the fraction holds out whole examples, as LmDataset does: round(0.5 × 2) = 1 of 2 leaves one
        // (the two, of 6 positions each, make 2 rows of 8); 0.5 of 1 leaves none
        jsonl("train.jsonl", pc("Q: a", " b"), pc("Q: c", " d"));
        DecafCliTest.Run one = DecafCliTest.run("recipes", "validate", r.toString(), "--set", "data.validation_fraction=0.5");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains(", 0 overlong, 2 samples\n"), one.out());
        jsonl("train.jsonl", pc("Q: a", " b"));
        DecafCliTest.Run none = DecafCliTest.run("recipes", "validate", r.toString(), "--set", "data.validation_fraction=0.5");
        assertEquals(2, none.code(), none.out());
        assertTrue(none.err().contains(tmp.resolve("train.jsonl") + ": data.validation_fraction 0.5 leaves no training"
                + " examples (1 example in all)"), none.err());
    }

    @Test
    void overlongExamplesAreANoteWithTheirLines() throws IOException {
        jsonl("train.jsonl", pc("Q: a", " b"), pc("Q: " + "x".repeat(20), " y"), pc("Q: c", " d"), pc("Q: " + "z".repeat(9), " w"));
        Path r = recipe("  train: train.jsonl\n  validation_fraction: 0", "");
        DecafCliTest.Run run = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(0, run.code(), run.err());
        // line 2: 23 + 2 + 1 = 26 tokens, line 4: 12 + 2 + 1 = 15, both > seq_len + 1 = 9
        assertTrue(run.out().contains("note: " + tmp.resolve("train.jsonl") + ":2: 2 examples are longer than seq_len + 1"
                + " = 9 tokens (the longest: 26 tokens, line 2); truncated (data.overlong: truncate); lines 2, 4\n"), run.out());
        assertTrue(run.out().contains(", 2 overlong, "), run.out());
        assertTrue(run.out().endsWith(r + ": ok\n"), run.out());
        Map<String, Object> report = json(DecafCliTest.run("recipes", "validate", r.toString(), "--json"));
        List<Map<String, Object>> notes = list(report, "notes");
        assertEquals(1, notes.size(), notes.toString());
        assertEquals("overlong", notes.get(0).get("kind"));
        assertEquals(2L, notes.get(0).get("line"));
    }

    @Test
    void skippedBadLinesAreWarningsAndBinaryLinesAreNamed() throws IOException {
        Path train = jsonl("train.jsonl", pc("Q: a", " b"), "not json", pc("Q: c", " d"), "{\"prompt\": \"Q: e\"}");
        Path r = recipe("  train: train.jsonl\n  validation_fraction: 0\n  skip_bad_lines: true", "");
        DecafCliTest.Run run = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of("warning: " + train + ":2: not valid JSON (Unrecognized token 'not': was expecting (JSON"
                + " String, Number, Array, Object or token 'null', 'true' or 'false'))",
                "warning: " + train + ":4: missing field 'completion'"), run.err().lines().toList());
        assertTrue(run.out().endsWith(r + ": ok (2 warnings)\n"), run.out());

        // invalid UTF-8 stops a run even with skip_bad_lines: an error naming the line
        try (OutputStream o = Files.newOutputStream(train)) {
            o.write((pc("Q: a", " b") + "\n" + pc("Q: c", " d") + "\n").getBytes(StandardCharsets.UTF_8));
            o.write(new byte[] {'{', (byte) 0xFF, (byte) 0xFE, '}', '\n'});
        }
        DecafCliTest.Run bin = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(2, bin.code(), bin.out());
        assertEquals(List.of(train + ":3: binary data: not valid UTF-8", "decaf: " + r + ": 1 error, 0 warnings"),
                bin.err().lines().toList());
    }

    @Test
    void aLineOverEightMebibytesIsRejectedWithoutBeingRead() throws IOException {
        Path train = tmp.resolve("train.jsonl");
        byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream o = Files.newOutputStream(train)) {
            o.write((pc("Q: a", " b") + "\n" + pc("Q: c", " d") + "\n{\"prompt\": \"").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 144; i++) { // 9 MiB
                o.write(chunk);
            }
            o.write("\", \"completion\": \" y\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        Path r = recipe("  train: train.jsonl\n  validation_fraction: 0", "");
        DecafCliTest.Run run = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(2, run.code(), run.out());
        long bytes = Files.size(train) - 2L * (pc("Q: a", " b").length() + 1) - 1;
        assertEquals(List.of(train + ":3: line is " + String.format(java.util.Locale.ROOT, "%,d", bytes)
                + " bytes, more than the limit of 8,388,608", "decaf: " + r + ": 1 error, 0 warnings"), run.err().lines().toList());
    }

    @Test
    void withoutFileChecksOnlyTheRecipeIsChecked() throws IOException {
        Path r = recipe("  train: nowhere.jsonl", "train:\n  steps: 10\n  seq_len: 1000\n");
        DecafCliTest.Run run = DecafCliTest.run("recipes", "validate", r.toString(), "--no-file-checks");
        assertEquals(0, run.code(), run.err());
        assertEquals(r + ": ok\n", run.out());
        DecafCliTest.Run checked = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(2, checked.code());
        assertTrue(checked.err().contains(r + ":3: data.train: no such file or directory: "), checked.err());
        assertTrue(checked.err().contains("train.seq_len 1000 exceeds the model's 64 positions"), checked.err());
    }

    @Test
    void anUnreadableConfigOrTokenizerAndATooLargeVocabularyAreNamed() throws IOException {
        jsonl("train.jsonl", pc("Q: a", " b"), pc("Q: cc", " d"));
        // a model directory whose config declares 100 tokens while its tokenizer has 257
        Path small = Files.createDirectories(tmp.resolve("small"));
        Files.writeString(small.resolve("config.json"), Files.readString(model.resolve("config.json"))
                .replaceFirst("\"vocab_size\"\\s*:\\s*512", "\"vocab_size\": 100"));
        Files.copy(model.resolve("tokenizer.json"), small.resolve("tokenizer.json"));
        Path r = Files.writeString(tmp.resolve("v.yaml"), "model: small\ndata:\n  train: train.jsonl\n"
                + "  validation_fraction: 0\ntrain:\n  steps: 10\n  seq_len: 8\nout: runs/x\n");
        DecafCliTest.Run vocab = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(2, vocab.code(), vocab.out());
        assertEquals(List.of(r + ": tokenizer " + small.resolve("tokenizer.json") + " has 257 tokens but the model's"
                + " vocab_size is 100", "decaf: " + r + ": 1 error, 0 warnings"), vocab.err().lines().toList());

        Files.writeString(small.resolve("config.json"), "{\"model_type\": \"gpt2\",");
        Files.writeString(small.resolve("tokenizer.json"), "{}");
        DecafCliTest.Run broken = DecafCliTest.run("recipes", "validate", r.toString(), "--json");
        assertEquals(2, broken.code(), broken.out());
        List<Map<String, Object>> errors = list(json(broken), "errors");
        assertEquals(List.of("model", "tokenizer"), errors.stream().map(e -> e.get("kind")).toList());
        assertTrue(((String) errors.get(0).get("message")).startsWith("model: " + small.resolve("config.json")
                + ": not valid JSON"), errors.toString());
        assertTrue(((String) errors.get(1).get("message")).startsWith("tokenizer: cannot read "
                + small.resolve("tokenizer.json")), errors.toString());
    }
}
