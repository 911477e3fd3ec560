package dev.decaf.train.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.train.recipe.Recipe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fine-tunes in one JVM, on two threads at once, compute exactly what each computes alone:
 * every step's loss, gradient norm, learning rate and per-group norms, and every validation loss,
 * bit for bit. The runs differ (optimizer, seed, gradient accumulation), use dropout (the engine's
 * global generator) and evaluate, checkpoint and save while the other trains.
 */
class ConcurrentFinetuneTest {

    @TempDir
    Path tmp;

    /** A tiny GPT-2 (dropout 0.1) run on its own copy of a small text. */
    Path recipe(String name, String optimizer, int seed, int gradAccum) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        StringBuilder text = new StringBuilder();
        SplittableRandom r = new SplittableRandom(5);
        String[] words = {"alpha", "beta", "gamma", "delta", "omega", "sigma"};
        for (int i = 0; i < 300; i++) {
            text.append(words[r.nextInt(words.length)]).append(' ').append(words[r.nextInt(words.length)]).append(".\n");
        }
        Files.writeString(dir.resolve("train.txt"), text);
        Path file = dir.resolve("recipe.yaml");
        Files.writeString(file, """
                model: %s
                data:
                  train: train.txt
                  validation_fraction: 0.1
                optimizer:
                  name: %s
                  lr: 3.0e-3
                  weight_decay: 0.1
                schedule:
                  warmup_steps: 2
                  decay: cosine
                train:
                  steps: 10
                  batch_size: 4
                  grad_accum: %d
                  seq_len: 32
                  seed: %d
                  log_every: 1
                  eval_every: 4
                  eval_batches: 2
                  checkpoint_every: 5
                out: %s
                """.formatted(Path.of("../../models/gpt2-tiny.json").toAbsolutePath().normalize(), optimizer, gradAccum,
                seed, dir.resolve("unused")));
        return file;
    }

    /** Runs a recipe into {@code out}, its console kept in memory. */
    static Callable<Finetune.Outcome> run(Path recipeFile, Path out) {
        return () -> {
            Recipe r = Recipe.load(recipeFile.toAbsolutePath(), List.of("out=" + out));
            return new Finetune(r, r.hash(), false, new PrintStream(new ByteArrayOutputStream(), true)).run();
        };
    }

    /** Every number of metrics.jsonl but the timing and memory ones, in file order, exactly as written. */
    static List<String> numbers(Path out) throws IOException {
        List<String> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            StringBuilder sb = new StringBuilder("step " + n.get("step"));
            for (String f : new String[] {"loss", "lr", "grad_norm", "weight_norm", "update_ratio", "val_loss"}) {
                if (n.has(f)) {
                    sb.append(' ').append(f).append('=').append(n.get(f));
                }
            }
            rows.add(sb.toString());
        }
        return rows;
    }

    @Test
    void twoRunsOnTwoThreadsComputeWhatEachComputesAlone() throws Exception {
        Path a = recipe("a", "adamw", 3, 2);
        Path b = recipe("b", "adamc", 11, 1);
        run(a, tmp.resolve("a/alone")).call();
        run(b, tmp.resolve("b/alone")).call();

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            long[][] spans = new long[2][2];
            List<Future<Finetune.Outcome>> both = new ArrayList<>();
            Path[] recipes = {a, b};
            Path[] outs = {tmp.resolve("a/together"), tmp.resolve("b/together")};
            for (int i = 0; i < 2; i++) {
                int k = i;
                both.add(pool.submit(() -> {
                    start.await();
                    spans[k][0] = System.nanoTime();
                    Finetune.Outcome o = run(recipes[k], outs[k]).call();
                    spans[k][1] = System.nanoTime();
                    return o;
                }));
            }
            for (Future<Finetune.Outcome> f : both) {
                assertFalse(f.get(300, TimeUnit.SECONDS).interrupted());
            }
            assertTrue(spans[0][0] < spans[1][1] && spans[1][0] < spans[0][1], "the two runs overlapped in time");
        } finally {
            pool.shutdownNow();
        }

        List<String> aloneA = numbers(tmp.resolve("a/alone"));
        List<String> aloneB = numbers(tmp.resolve("b/alone"));
        assertEquals(1 + 10 + 1, aloneA.size(), "the starting validation loss, 10 steps and the final one: " + aloneA);
        assertTrue(aloneA.get(4).contains("val_loss="), "step 4 evaluates: " + aloneA.get(4));
        assertNotEquals(aloneA, aloneB, "two different runs");
        assertEquals(aloneA, numbers(tmp.resolve("a/together")), "run a, alone and beside run b");
        assertEquals(aloneB, numbers(tmp.resolve("b/together")), "run b, alone and beside run a");
        for (String run : new String[] {"a/together", "b/together"}) {
            assertTrue(Files.isRegularFile(tmp.resolve(run).resolve("model/model.safetensors")), run);
            assertTrue(Files.isDirectory(tmp.resolve(run).resolve("checkpoints/step-00000010")), run);
        }
    }
}
