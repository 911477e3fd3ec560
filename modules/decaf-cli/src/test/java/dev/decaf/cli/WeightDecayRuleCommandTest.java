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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weight-decay rules where the user meets them: {@code decaf recipe} with given and counted sizes,
 * a fine-tune whose {@code optimizer.weight_decay} is a rule (λ in {@code weight_decay.json} is the
 * closed form of the counts the run printed; {@code recipe.yaml} keeps the rule with its λ and the
 * run resumes), and bad rules as one-line errors with exit code 2.
 */
class WeightDecayRuleCommandTest {

    @TempDir
    static Path tmp;

    static Path model;
    static Path data;

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        model = DecafCliTest.initTinyModel(tmp.resolve("tiny"), 4);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            lines.add("{\"prompt\": \"q" + i + ":\", \"completion\": \" a" + (i % 3) + "\"}");
        }
        data = Files.write(tmp.resolve("pc.jsonl"), lines);
    }

    private static Path recipe(String name, String weightDecay) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), "model: " + model + "\ndata:\n  train: " + data
                + "\n  validation_fraction: 0.25\noptimizer:\n  lr: 2.0e-3\n  weight_decay: " + weightDecay
                + "\ntrain:\n  steps: 3\n  batch_size: 4\n  seq_len: 16\n  log_every: 1\n  eval_every: 0\n"
                + "  checkpoint_every: 0\nout: " + tmp.resolve("runs/" + name) + "\n");
    }

    private static long group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in\n" + text);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void recipeShowsLambdaAndItsTimescales() throws IOException {
        DecafCliTest.Run r = DecafCliTest.run("recipe", "--params", "1000000", "--samples", "9500", "--tokens", "950000",
                "--batch-size", "16", "--seq-len", "128", "--lr", "0.002", "--epochs", "3", "--rule", "ema",
                "--tau-epoch", "0.5");
        assertEquals(0, r.code(), r.err());
        // λ = 16/(0.002·9500·0.5) = 1.684; τ_iter = 296.875 steps; S = ⌈3·9500/16⌉ = 1782, run fraction 0.1666
        assertTrue(r.out().contains("λ = B/(η·N·τ_epoch) = 16/(0.002·9500·0.5) = 1.684\n"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("τ_iter\\s+296.9\\s+steps = 1/\\(η·λ\\)")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("τ_epoch\\s+0.5\\s+epochs.*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("run fraction\\s+0.1666\\s+τ_iter/S, S = 1782 steps")),
                r.out());
        assertFalse(r.out().contains("warning"), r.out());

        DecafCliTest.Run j = DecafCliTest.run("recipe", "--params", "1000000", "--samples", "9500", "--tokens", "950000",
                "--batch-size", "16", "--seq-len", "128", "--lr", "1e-4", "--steps", "1000", "--rule", "fixed",
                "--lambda", "0.01", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode o = new ObjectMapper().readTree(j.out());
        // τ_iter = 1/(1e-4·0.01) = 1e6 steps = 1000× the 1000 steps; τ_epoch = 1e6·16/9500
        assertEquals(0.01, o.get("lambda").asDouble(), 0);
        assertEquals(1e6, o.get("tau_iter").asDouble(), 1e-6);
        assertEquals(1e6 * 16 / 9500, o.get("tau_epoch").asDouble(), 1e-6);
        assertEquals(1000, o.get("run_fraction").asDouble(), 1e-9);
        assertEquals("fixed", o.get("rule").asText());
        assertTrue(o.get("warnings").get(0).asText().contains("the decay barely acts"), j.out());
    }

    @Test
    void badRecipeOptionsAreOneLineNamingTheOption() {
        String[] sizes = {"recipe", "--params", "1000", "--samples", "10", "--tokens", "100", "--batch-size", "2",
            "--seq-len", "8", "--lr", "0.01", "--epochs", "1"};
        assertBad("--tau-epoch must be > 0, got -1", sizes, "--rule", "ema", "--tau-epoch", "-1");
        assertBad("--tau-epoch is required by --rule ema (or --tau-iter)", sizes, "--rule", "ema");
        assertBad("--width does not apply to --rule power-lines (it takes no options)", sizes, "--rule", "power-lines",
                "--width", "3");
        assertBad("--rule must be one of ema, power-lines, normalized, mup, mup-sqrt, fixed, got 'emma'", sizes,
                "--rule", "emma");
        assertBad("give --epochs or --steps, not both", sizes, "--rule", "power-lines", "--steps", "4");
        assertBad("give --params or --model", new String[] {"recipe", "--samples", "10", "--tokens", "100", "--batch-size",
            "2", "--seq-len", "8", "--lr", "0.01", "--epochs", "1"}, "--rule", "power-lines");
        assertBad("--lr must be > 0, got -0.5", new String[] {"recipe", "--params", "1000", "--samples", "10", "--tokens",
            "100", "--batch-size", "2", "--seq-len", "8", "--lr", "-0.5", "--epochs", "1"}, "--rule", "power-lines");
    }

    private static void assertBad(String message, String[] base, String... more) {
        List<String> args = new ArrayList<>(List.of(base));
        args.addAll(List.of(more));
        DecafCliTest.Run r = DecafCliTest.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), args + ": " + r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(message), message + " in " + r.err());
    }

    @Test
    void aRuleIsResolvedFromTheCountsTheRunPrintsAndTheRunResumes() throws IOException {
        Path r = recipe("ema", "{rule: ema, tau_epoch: 0.5}");
        DecafCliTest.Run run = FinetuneCommandTest.runCapturing("finetune", r.toString());
        assertEquals(0, run.code(), run.err());
        long params = group(run.out(), "\\(gpt2, ([0-9,]+) parameters\\)");
        long samples = group(run.out(), "train=([0-9]+) samples");
        long tokens = group(run.out(), "train=[0-9]+ samples \\([0-9]+ examples\\)/([0-9]+) tokens");
        assertTrue(run.out().contains("3 steps of 4 x 1 x 16 tokens"), run.out());
        // λ = B/(η·N·τ_epoch) with B = 4·1 samples per step, η = 0.002, τ_epoch = 0.5
        double lambda = 4 / (0.002 * samples * 0.5);
        Path out = tmp.resolve("runs/ema");
        JsonNode wd = new ObjectMapper().readTree(out.resolve("weight_decay.json").toFile());
        assertEquals(lambda, wd.get("lambda").asDouble(), 1e-12 * lambda);
        assertEquals(1 / (0.002 * lambda), wd.get("tau_iter").asDouble(), 1e-9);
        assertEquals(0.5, wd.get("tau_epoch").asDouble(), 1e-12);
        assertEquals("ema", wd.get("rule").asText());
        assertEquals(params, wd.get("inputs").get("params").asLong());
        assertEquals(tokens, wd.get("inputs").get("tokens").asLong());
        assertEquals(3, wd.get("inputs").get("steps").asLong());
        assertTrue(run.out().contains("weight decay: λ = B/(η·N·τ_epoch) = 4/(0.002·" + samples + "·0.5) = "), run.out());
        String yaml = Files.readString(out.resolve("recipe.yaml"));
        assertTrue(yaml.contains("  weight_decay: {rule: ema, tau_epoch: 0.5, lambda: " + lambda + "}\n"), yaml);

        // recipes validate reports the same λ, counted on the same training split
        DecafCliTest.Run validate = DecafCliTest.run("recipes", "validate", r.toString());
        assertEquals(0, validate.code(), validate.err());
        assertTrue(validate.out().contains("note: " + r + ": optimizer.weight_decay: λ = B/(η·N·τ_epoch) = 4/(0.002·"
                + samples + "·0.5) = "), validate.out());
        assertTrue(validate.out().contains("(N = " + samples + " samples, D = " + tokens + " tokens, " + params
                + " parameters)"), validate.out());

        // decaf recipe counts the same data as the run did
        DecafCliTest.Run calc = DecafCliTest.run("recipe", "--model", model.toString(), "--data", data.toString(),
                "--validation-fraction", "0.25", "--batch-size", "4", "--seq-len", "16", "--lr", "2e-3", "--steps", "3",
                "--rule", "ema", "--tau-epoch", "0.5", "--json");
        assertEquals(0, calc.code(), calc.err());
        JsonNode c = new ObjectMapper().readTree(calc.out());
        assertEquals(wd.get("inputs"), c.get("inputs"));
        assertEquals(lambda, c.get("lambda").asDouble(), 1e-12 * lambda);

        // --resume reads recipe.yaml back: the same hash, and the λ the run started with
        DecafCliTest.Run again = FinetuneCommandTest.runCapturing("finetune", "--resume", out.toString());
        assertEquals(0, again.code(), again.err());
        JsonNode wd2 = new ObjectMapper().readTree(out.resolve("weight_decay.json").toFile());
        assertEquals(lambda, wd2.get("lambda").asDouble(), 1e-12 * lambda);
        assertEquals("ema", wd2.get("rule").asText());
    }

    @Test
    void aPlainNumberIsReportedTheSameWay() throws IOException {
        Path r = recipe("plain", "0.1");
        DecafCliTest.Run run = FinetuneCommandTest.runCapturing("finetune", r.toString());
        assertEquals(0, run.code(), run.err());
        long samples = group(run.out(), "train=([0-9]+) samples");
        JsonNode wd = new ObjectMapper().readTree(tmp.resolve("runs/plain/weight_decay.json").toFile());
        assertEquals(0.1, wd.get("lambda").asDouble(), 0);
        // τ_iter = 1/(0.002·0.1) = 5000 steps; τ_epoch = 5000·4/N; run fraction 5000/3
        assertEquals(5000, wd.get("tau_iter").asDouble(), 1e-9);
        assertEquals(5000.0 * 4 / samples, wd.get("tau_epoch").asDouble(), 1e-9);
        assertEquals(5000 / 3.0, wd.get("run_fraction").asDouble(), 1e-9);
        assertTrue(run.out().contains("warning: weight decay: τ_iter = 5000 steps is 1667× the run's 3 steps: the decay"
                + " barely acts"), run.out());
    }

    @Test
    void badRulesInARecipeAreOneLineNamingTheKey() throws IOException {
        Path r = recipe("bad", "{rule: ema}");
        DecafCliTest.Run run = FinetuneCommandTest.runCapturing("finetune", r.toString());
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(r + ":7: optimizer.weight_decay.tau_epoch: is required by rule ema (or tau_iter)"),
                run.err());
        assertFalse(Files.exists(tmp.resolve("runs/bad")));
        DecafCliTest.Run negative = FinetuneCommandTest.runCapturing("finetune", r.toString(), "--set",
                "optimizer.weight_decay={rule: normalized, lambda_norm: -2}");
        assertEquals(2, negative.code(), negative.out() + negative.err());
        assertTrue(negative.err().contains("optimizer.weight_decay.lambda_norm: must be >= 0, got -2"), negative.err());
    }
}
