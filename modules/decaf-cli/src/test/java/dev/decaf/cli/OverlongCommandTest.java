package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt–completion data with examples longer than the context, through the CLI: {@code finetune}
 * truncates them by default and says how many once, {@code data.overlong=drop} leaves them out,
 * {@code error} stops with a one-line error, and {@code eval} reads the very file that was trained
 * on. The model is {@code decaf init}'s gpt2-tiny, whose byte-level tokenizer makes one token of
 * each byte, so the counts are known.
 */
class OverlongCommandTest {

    @TempDir
    static Path tmp;

    static Path model;
    static Path data;
    static Path recipe;

    @BeforeAll
    static void setUp() throws IOException {
        model = DecafCliTest.initTinyModel(tmp.resolve("tiny"), 4);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // short: "q<i>:" + " a<i>" + end-of-text ≤ 11 tokens; every 4th from the 3rd: 6 + 60 + 1 = 67 tokens
            lines.add(i % 4 == 2
                    ? "{\"prompt\": \"long" + (i / 10) + ":\", \"completion\": \"" + "abcdefghij".repeat(6) + "\"}"
                    : "{\"prompt\": \"q" + i + ":\", \"completion\": \" a" + i + "\"}");
        }
        data = Files.write(tmp.resolve("sft.jsonl"), lines);
        recipe = Files.writeString(tmp.resolve("sft.yaml"), """
                model: tiny
                data:
                  train: sft.jsonl
                  validation_fraction: 0.25
                optimizer:
                  name: adamw
                  lr: 1.0e-3
                train:
                  steps: 2
                  batch_size: 4
                  seq_len: 32
                  log_every: 1
                  eval_every: 0
                  checkpoint_every: 0
                """);
    }

    /** Runs finetune in-process; its console (System.out, where the warnings go) comes back as out. */
    private static DecafCliTest.Run finetune(String out, String... set) {
        List<String> args = new ArrayList<>(List.of("finetune", recipe.toString(), "--out", tmp.resolve(out).toString()));
        for (String s : set) {
            args.add("--set");
            args.add(s);
        }
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        DecafCliTest.Run r;
        try {
            r = DecafCliTest.run(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        return new DecafCliTest.Run(r.code(), r.out() + console.toString(StandardCharsets.UTF_8), r.err());
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void finetuneTruncatesByDefaultAndSaysSoOnce() throws IOException {
        DecafCliTest.Run r = finetune("truncate");
        assertEquals(0, r.code(), r.err());
        String warning = "warning: " + data + ": truncated 6 of 24 examples longer than seq_len + 1 = 33 tokens";
        assertEquals(1, count(r.out(), warning), r.out());
        assertEquals(1, count(r.out(), "truncated 6 of 24"), "one line, not one per example or split: " + r.out());
        assertTrue(r.out().contains(" overlong=6 truncated/0 dropped examples"), r.out());
        // 18 held-in examples (25% of 24 held out: 6), packed whole into rows of 32 positions
        assertTrue(r.out().contains("(18 examples)") && r.out().contains("(6 examples)"), r.out());

        DecafCliTest.Run ev = InferCli.run("eval", "--model", tmp.resolve("truncate/model").toString(), "--data",
                data.toString(), "--seq-len", "32", "--json");
        assertEquals(0, ev.code(), ev.err());
        assertEquals(1, count(ev.out(), "warning: " + data
                + ": truncated 6 of 24 examples longer than seq_len + 1 = 33 tokens"), ev.out());
        // the positions that count: each short example's completion and end-of-text (" a<i>" + E), each
        // truncated one's first 33 − 6 = 27 completion tokens
        long shortTokens = 0;
        for (int i = 0; i < 24; i++) {
            if (i % 4 != 2) {
                shortTokens += (" a" + i).length() + 1;
            }
        }
        long tokens = new ObjectMapper().readTree(ev.out().lines().reduce((a, b) -> b).orElseThrow())
                .get("tokens").asLong();
        assertEquals(shortTokens + 6 * 27, tokens);

        DecafCliTest.Run unpacked = InferCli.run("eval", "--model", tmp.resolve("truncate/model").toString(), "--data",
                data.toString(), "--seq-len", "32", "--no-packing");
        assertEquals(0, unpacked.code(), unpacked.err());
        assertTrue(unpacked.out().contains(": 24 sequences"), "one example per row: " + unpacked.out());
    }

    @Test
    void dropLeavesThemOutAndErrorStops() {
        DecafCliTest.Run drop = finetune("drop", "data.overlong=drop");
        assertEquals(0, drop.code(), drop.err());
        assertEquals(1, count(drop.out(), "warning: " + data
                + ": dropped 6 of 24 examples longer than seq_len + 1 = 33 tokens"), drop.out());
        assertTrue(drop.out().contains(" overlong=0 truncated/6 dropped examples"), drop.out());

        DecafCliTest.Run error = finetune("error", "data.overlong=error");
        assertEquals(2, error.code(), error.out());
        assertEquals("decaf: " + data + ":3: example is 67 tokens (prompt 6 + completion 60 + end-of-text), more than"
                + " seq_len + 1 = 33 (overlong is error) (--verbose shows the stack trace)", error.err().strip());
        assertFalse(Files.exists(tmp.resolve("error")), "no output directory");

        DecafCliTest.Run evalError = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(),
                "--seq-len", "32", "--overlong", "error");
        assertEquals(2, evalError.code(), evalError.out());
        assertTrue(evalError.err().startsWith("decaf: " + data + ":3: example is 67 tokens"), evalError.err());
        DecafCliTest.Run bad = InferCli.run("eval", "--model", model.toString(), "--data", data.toString(),
                "--overlong", "cut");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("decaf: --overlong must be truncate, drop or error, got 'cut'"), bad.err());
    }
}
