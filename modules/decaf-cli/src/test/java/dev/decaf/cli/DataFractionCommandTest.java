package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code data.fraction} through the CLI on 40 short prompt–completion examples, 10 of them held out
 * (validation_fraction 0.25): {@code --set data.fraction=0.5} trains on round(0.5·30) = 15 of the
 * 30 left, says so on the data line, writes the key to the resolved recipe, and starts from the
 * very validation loss the whole set starts from (the same held-out examples); {@code recipes
 * validate} reports the count; an out-of-range value is one line and exit 2.
 */
class DataFractionCommandTest {

    @TempDir
    static Path tmp;

    static Path recipe;

    @BeforeAll
    static void setUp() throws IOException {
        DecafCliTest.initTinyModel(tmp.resolve("tiny"), 4);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("{\"prompt\": \"q" + i + ":\", \"completion\": \" a" + (i % 7) + "\"}");
        }
        Files.write(tmp.resolve("sft.jsonl"), lines);
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

    /** Runs finetune in-process; its console (System.out) comes back as out. */
    static DecafCliTest.Run finetune(String out, String... set) {
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

    static String line(String out, String start) {
        return out.lines().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + start + "' in:\n" + out));
    }

    /** The validation loss of the starting weights ({@code "initial": true}, step 0). */
    static double initialValLoss(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(l);
            if (n.path("initial").asBoolean(false)) {
                return n.get("val_loss").asDouble();
            }
        }
        throw new AssertionError("no initial val_loss in " + run);
    }

    @Test
    void halfTheDataTrainsOnHalfTheExamplesAndKeepsTheValidationSet() throws IOException {
        DecafCliTest.Run whole = finetune("whole");
        assertEquals(0, whole.code(), whole.err());
        DecafCliTest.Run half = finetune("half", "data.fraction=0.5");
        assertEquals(0, half.code(), half.err());

        String data = line(half.out(), "data: ");
        assertTrue(data.endsWith("; train 15 of 30 examples (data.fraction 0.5)"), data);
        assertTrue(data.contains("(15 examples)") && data.contains("(10 examples)"), data);
        String wholeData = line(whole.out(), "data: ");
        assertTrue(wholeData.contains("(30 examples)") && wholeData.contains("(10 examples)"), wholeData);
        assertFalse(wholeData.contains("data.fraction"), "nothing to say at 1.0: " + wholeData);

        assertTrue(Files.readString(tmp.resolve("half/recipe.yaml")).contains("\n  fraction: 0.5\n"));
        assertTrue(Files.readString(tmp.resolve("whole/recipe.yaml")).contains("\n  fraction: 1.0\n"));
        // the same held-out examples, the same starting weights: the same loss to the last digit
        assertEquals(initialValLoss(tmp.resolve("whole")), initialValLoss(tmp.resolve("half")), 0.0);
    }

    @Test
    void aCautiousRunPrintsItsRuleInTheDecayTable() {
        // on the same tiny setup: the run's start-up lines name the cautious rule and its mask
        DecafCliTest.Run r = finetune("cautious", "optimizer.name=adamw-cautious", "optimizer.weight_decay=0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(line(r.out(), "CautiousAdamW: ").startsWith("CautiousAdamW: decay θ ← θ·(1 − γ_t·λ) where m_t·θ ≥ 0"
                + " (cautious), λ=0.1;"), r.out());
        assertTrue(line(r.out(), "decay ").matches("decay\\s+10\\s+43,008\\s+0\\.1\\s+cautious\\s+1\\s.*"), r.out());
        assertTrue(line(r.out(), "no_decay ").matches("no_decay\\s+18\\s+896\\s+0 \\(none\\)\\s+-\\s.*"), r.out());
        assertTrue(line(r.out(), "weight decay: ").endsWith("; cautious: only where m_t·θ ≥ 0, so τ is a lower bound"),
                r.out());
    }

    @Test
    void validateReportsTheCountAndRejectsOutOfRange() {
        DecafCliTest.Run ok = DecafCliTest.run("recipes", "validate", recipe.toString(), "--set", "data.fraction=0.25",
                "--set", "out=" + tmp.resolve("never-written"));
        assertEquals(0, ok.code(), ok.out() + ok.err());
        // round(0.25·30) = 7.5 → 8
        assertTrue((ok.out() + ok.err()).contains("data.fraction 0.25: trains on 8 of the 30 examples left after the"
                + " validation split"), ok.out() + ok.err());

        DecafCliTest.Run bad = finetune("bad", "data.fraction=0");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertEquals("decaf: --set data.fraction=0: data.fraction: must be in (0, 1], got 0", bad.err().strip());
        assertFalse(Files.exists(tmp.resolve("bad")));
    }
}
